import { PassThrough, Readable, type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Cell, RowBatches, TableColumn, TableSink } from './table.js';

/** Times are real Excel dates (serial numbers in UTC) shown with this format. */
const TIME_FORMAT = 'yyyy-mm-dd hh:mm:ss "UTC"';
const SHEET_NAME_MAX = 31;

/**
 * The table as an XLSX workbook of one sheet, written by exceljs's streaming WorkbookWriter:
 * a bold header row frozen at the top with an autofilter over the data, column widths,
 * numbers as numbers, times as dates in UTC. Rows leave as they are committed; a batch waits
 * while the reader is behind.
 */
export function xlsxStream(
  columns: readonly TableColumn[],
  batches: RowBatches,
  sink: TableSink & { sheetName: string },
): ReadableStream<Uint8Array> {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const write = async (): Promise<void> => {
    const sheet = workbook.addWorksheet(sink.sheetName.slice(0, SHEET_NAME_MAX), {
      views: [{ state: 'frozen', ySplit: 1 }],
    });
    sheet.columns = columns.map((c, i) => ({
      key: `c${i}`,
      width: c.width,
      style: c.kind === 'time' ? { numFmt: TIME_FORMAT } : {},
    }));
    const header = sheet.addRow(columns.map((c) => c.header));
    header.eachCell((cell) => {
      cell.style = { font: { bold: true } };
    });
    header.commit();
    let rows = 0;
    for await (const batch of batches) {
      sink.signal.throwIfAborted();
      if (out.destroyed) throw new Error('the XLSX reader went away');
      for (const row of batch) sheet.addRow(row.map(xlsxCell)).commit();
      rows += batch.length;
      sink.onRows(batch.length);
      if (out.writableNeedDrain) await drained(out);
    }
    sink.signal.throwIfAborted();
    sheet.autoFilter = {
      from: { row: 1, column: 1 },
      to: { row: rows + 1, column: columns.length },
    };
    sheet.commit();
    await workbook.commit();
  };
  write().catch((err: unknown) => {
    out.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}

/**
 * exceljs writes a string as a string cell, never as a formula (text starting with `=` stays
 * that text), and a Date as a serial number counted in UTC. XML reads a bare CR as a line
 * feed, so line breaks are written as LF, the way they will be read.
 */
function xlsxCell(cell: Cell): Cell {
  return typeof cell === 'string' ? cell.replace(/\r\n?/g, '\n') : cell;
}

/** Resolves once `stream` wants more; rejects when it closes first. */
function drained(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('the XLSX reader went away'));
    stream.once('drain', onDrain);
    stream.once('close', onClose);
  });
}
