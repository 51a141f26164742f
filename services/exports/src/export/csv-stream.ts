import { stringify, type Options } from 'csv-stringify/sync';
import { neutraliseText, type Cell, type ExportTable, type TableSink } from './table.js';

/**
 * RFC 4180: CRLF between records, fields quoted when they hold a quote, a comma or a line
 * break. csv-stringify quotes only the record delimiter itself (CRLF): a lone CR or LF is
 * quoted by `quoted_match`.
 */
const CSV_OPTIONS: Options = { record_delimiter: 'windows', quoted_match: /[\r\n]/ };

/** Batches formatted ahead of the reader. */
const AHEAD_BATCHES = 8;

function csvCell(cell: Cell): string | number {
  if (cell === null) return '';
  if (cell instanceof Date) return cell.toISOString();
  if (typeof cell === 'number') return cell;
  return neutraliseText(cell);
}

/**
 * The table as RFC 4180 CSV in UTF-8: a header row, then one record per row, times ISO-8601
 * UTC. At most a few batches ahead of the reader, so the reader's pace sets the pace of the reads.
 */
export function csvStream(table: ExportTable, sink: TableSink): ReadableStream<Uint8Array> {
  const { columns } = table;
  const rows = table.rows[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  let headerSent = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        sink.signal.throwIfAborted();
        if (!headerSent) {
          headerSent = true;
          const header = columns.map((c) => neutraliseText(c.header));
          controller.enqueue(encoder.encode(stringify([header], CSV_OPTIONS)));
          return;
        }
        const next = await rows.next();
        sink.signal.throwIfAborted();
        if (next.done) {
          controller.close();
          return;
        }
        const records = next.value.map((row) => row.map(csvCell));
        controller.enqueue(encoder.encode(stringify(records, CSV_OPTIONS)));
        sink.onRows(records.length, table.name);
      },
      async cancel() {
        await rows.return?.();
      },
    },
    // A few batches ahead (about a megabyte): rows are formatted while the object store waits
    // for the acknowledgement of the chunk before; the queue stays bounded whatever the rows.
    new CountQueuingStrategy({ highWaterMark: AHEAD_BATCHES }),
  );
}
