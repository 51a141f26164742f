import { EventEmitter } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Cell, ExportTable, TableSink } from './table.js';

/** Times are real Excel dates (serial numbers in UTC) shown with this format. */
const TIME_FORMAT = 'yyyy-mm-dd hh:mm:ss "UTC"';
const SHEET_NAME_MAX = 31;

/**
 * The tables as an XLSX workbook of one sheet each, written by exceljs's streaming
 * WorkbookWriter: a bold header row frozen at the top with an autofilter over the data, column
 * widths, numbers as numbers, times as dates in UTC. Rows leave as they are committed; a batch
 * waits while the reader is behind. Sheets are written one after the other, each committed
 * (and gone from memory) before the next starts.
 */
export function xlsxStream(
  tables: readonly ExportTable[],
  sink: TableSink,
): ReadableStream<Uint8Array> {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const write = async (): Promise<void> => {
    for (const table of tables) await writeSheet(workbook, table, sink, out);
    sink.signal.throwIfAborted();
    await workbook.commit();
  };
  write().catch((err: unknown) => {
    out.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}

async function writeSheet(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  { name, columns, rows: batches }: ExportTable,
  sink: TableSink,
  out: PassThrough,
): Promise<void> {
  const sheet = workbook.addWorksheet(name.slice(0, SHEET_NAME_MAX), {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  const styles = columns.map((c) => (c.kind === 'time' ? { numFmt: TIME_FORMAT } : {}));
  sheet.columns = columns.map((c, i) => ({ key: `c${i}`, width: c.width, style: styles[i] }));
  const header = sheet.addRow(columns.map((c) => c.header));
  header.eachCell((cell) => {
    cell.style = { font: { bold: true } };
  });
  header.commit();
  let rows = 0;
  for await (const batch of batches) {
    sink.signal.throwIfAborted();
    if (out.destroyed) throw new Error('the XLSX reader went away');
    for (const row of batch) {
      const added = sheet.addRow(row.map(xlsxCell));
      // exceljs gives each cell a style object of its own, and finds a style's id by object
      // identity before it serialises and looks up the style: one shared object per column
      // skips that work for every cell after the first.
      for (let i = 0; i < styles.length; i++) {
        if (row[i] !== null) added.getCell(i + 1).style = styles[i] as Partial<ExcelJS.Style>;
      }
      added.commit();
    }
    rows += batch.length;
    sink.onRows(batch.length, name);
    const compressor = compressorBehind(sheet);
    if (compressor) await drained(compressor, sink.signal);
    if (out.writableNeedDrain) await drained(out, sink.signal);
  }
  sink.signal.throwIfAborted();
  sheet.autoFilter = {
    from: { row: 1, column: 1 },
    to: { row: rows + 1, column: columns.length },
  };
  sheet.commit();
}

/**
 * exceljs writes a string as a string cell, never as a formula (text starting with `=` stays
 * that text), and a Date as a serial number counted in UTC. XML reads a bare CR as a line
 * feed, so line breaks are written as LF, the way they will be read.
 */
function xlsxCell(cell: Cell): Cell {
  return typeof cell === 'string' ? cell.replace(/\r\n?/g, '\n') : cell;
}

/**
 * The zip entry stream exceljs pipes a sheet's XML into, when it is behind. exceljs's own
 * stream writes into it without waiting (its StreamBuf ignores backpressure), so when deflate
 * falls behind, the rows pile up in that stream's buffer, unseen downstream: a million rows held
 * 290 MB. Waiting for it to drain keeps a workbook's memory flat. It is a readable-stream v2
 * PassThrough (archiver's), whose state has no public getter; undefined when it is not behind,
 * before the zip has started the sheet, or in an exceljs whose internals differ (then only the
 * output's backpressure applies).
 */
function compressorBehind(sheet: ExcelJS.Worksheet): EventEmitter | undefined {
  const stream = (sheet as unknown as { stream?: { pipes?: unknown[] } }).stream;
  const target = stream?.pipes?.[0];
  if (!(target instanceof EventEmitter)) return undefined;
  const state = (target as { _writableState?: { needDrain?: unknown } })._writableState;
  return state?.needDrain === true ? target : undefined;
}

/** Resolves once `stream` wants more; rejects when it closes first or `signal` fires. */
function drained(stream: EventEmitter, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: unknown) => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err instanceof Error ? err : new Error(String(err)));
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('the XLSX writer went away'));
    const onAbort = () => done(signal.reason);
    stream.once('drain', onDrain);
    stream.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
