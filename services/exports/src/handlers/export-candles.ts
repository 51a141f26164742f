import type { CandleExportResult } from '@wadm/contracts';
import type { CandleStore } from '@wadm/market-data';
import type { TaskHandler } from '@wadm/runtime';
import { CANDLE_TABLE, candleRows, emptyRange, resolveRange } from '../export/candle-source.js';
import { storeExport } from '../export/store-export.js';

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * `exports.candles`: the series streamed from the candle store, a chunk at a time, into one
 * ARTIFACTS object (`exports/<owner>/<taskId>.<ext>`) charged to the owner's storage quota as
 * it grows.
 */
export function createCandleExportHandler(
  store: CandleStore,
  chunkBars: number,
): TaskHandler<'exports.candles'> {
  return async (ctx) => {
    const { params } = ctx;
    const range = await resolveRange(store, params);
    const { symbol, timeframe } = range;
    const stored = await storeExport(ctx, {
      format: params.format,
      tables: [
        {
          name: `${symbol} ${timeframe}`,
          columns: CANDLE_TABLE,
          rows: candleRows(store, range, chunkBars),
        },
      ],
      fileName: `${symbol}-${timeframe}-${day(range.from)}-${day(range.to)}.${params.format}`,
      expectedRows: range.expectedRows,
    });
    // Bars the index promised but the read did not find: nothing worth a file.
    if (stored.rows === 0) {
      await ctx.artifacts.delete(stored.artifact.name);
      throw emptyRange(params, range.series);
    }
    const { artifact, format, rows, bytes, sha256 } = stored;
    const result: CandleExportResult = { artifact, format, rows, bytes, sha256 };
    return result;
  };
}
