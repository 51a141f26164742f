import type { CandleExportResult, ExportFormat } from '@wadm/contracts';
import type { CandleStore } from '@wadm/market-data';
import type { TaskHandler } from '@wadm/runtime';
import { CANDLE_TABLE, candleRows, emptyRange, resolveRange } from '../export/candle-source.js';
import { csvStream } from '../export/csv-stream.js';
import type { RowBatches, TableColumn, TableSink } from '../export/table.js';
import { xlsxStream } from '../export/xlsx-stream.js';

interface FileFormat {
  contentType: string;
  write(
    columns: readonly TableColumn[],
    rows: RowBatches,
    sink: TableSink & { sheetName: string },
  ): ReadableStream<Uint8Array>;
}

const FORMATS: Readonly<Record<ExportFormat, FileFormat>> = {
  csv: { contentType: 'text/csv; charset=utf-8', write: csvStream },
  xlsx: {
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    write: xlsxStream,
  },
};

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * `exports.candles`: the series streamed from the candle store, a chunk at a time, into one
 * ARTIFACTS object (`exports/<owner>/<taskId>.<ext>`) charged to the owner's storage quota as
 * it grows. Revoked, refused or failed midway, the object store drops what was sent: no
 * partial file is left behind.
 */
export function createCandleExportHandler(
  store: CandleStore,
  chunkBars: number,
): TaskHandler<'exports.candles'> {
  return async ({ id, owner, params, signal, progress, artifacts }) => {
    const range = await resolveRange(store, params);
    const format = FORMATS[params.format];
    const name = `exports/${owner}/${id}.${params.format}`;
    const label = `${range.symbol} ${range.timeframe}`;
    const fileName = `${range.symbol}-${range.timeframe}-${day(range.from)}-${day(range.to)}.${params.format}`;
    let rows = 0;
    const source = format.write(CANDLE_TABLE, candleRows(store, range, chunkBars), {
      signal,
      sheetName: label,
      onRows(n) {
        rows += n;
        progress(Math.min(0.99, rows / range.expectedRows), `${rows} rows written`);
      },
    });
    const stored = await artifacts.putStream(name, source, format.contentType, fileName);
    // Stopped or empty after the last byte went in: the file must not outlive the task.
    if (signal.aborted || rows === 0) {
      await artifacts.delete(name);
      signal.throwIfAborted();
      throw emptyRange(params, range.series);
    }
    const result: CandleExportResult = {
      artifact: stored.ref,
      format: params.format,
      rows,
      bytes: stored.ref.size,
      sha256: stored.sha256,
    };
    return result;
  };
}
