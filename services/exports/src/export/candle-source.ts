import { ErrorCode, TIMEFRAME_MS, type Timeframe } from '@wadm/contracts';
import {
  describeMissingSeries,
  InvalidSeriesError,
  MarketDataErrorCode,
  SeriesNotFoundError,
  type Candles,
  type CandleStore,
  type SeriesInfo,
} from '@wadm/market-data';
import { NonRetryableError } from '@wadm/runtime';
import { ROWS_PER_BATCH, type Row, type RowBatches, type TableColumn } from './table.js';

/** The columns of a candle export, in the order of the import CSV. */
export const CANDLE_TABLE: readonly TableColumn[] = [
  { header: 'time', kind: 'time', width: 24 },
  { header: 'open', kind: 'number', width: 14 },
  { header: 'high', kind: 'number', width: 14 },
  { header: 'low', kind: 'number', width: 14 },
  { header: 'close', kind: 'number', width: 14 },
  { header: 'volume', kind: 'number', width: 18 },
];

export interface CandleRange {
  symbol: string;
  timeframe: Timeframe;
  /** Open time of the first bar to export, ms; within the stored series. */
  from: number;
  /** Open time of the last bar to export, ms. */
  to: number;
  /** The most rows the range can hold, for progress. */
  expectedRows: number;
  /** The stored series the range is in. */
  series: SeriesInfo;
}

/**
 * The part of a stored series a task asked for. An unknown series (the message lists the
 * stored ones) and a range outside the series (the message gives the series' own range) are
 * `NonRetryableError`s: a retry would read the same store and fail the same way.
 */
export async function resolveRange(
  store: CandleStore,
  params: { symbol: string; timeframe: Timeframe; from?: string; to?: string },
): Promise<CandleRange> {
  const { symbol, timeframe } = params;
  const from = params.from === undefined ? -Infinity : Date.parse(params.from);
  const to = params.to === undefined ? Infinity : Date.parse(params.to);
  if (from > to) {
    throw new NonRetryableError(`from (${params.from}) is after to (${params.to})`, {
      code: ErrorCode.VALIDATION_FAILED,
      fields: [{ path: '/params/from', message: 'is after /params/to' }],
    });
  }
  const stored = await store.listSeries();
  const series = stored.find((s) => s.symbol === symbol && s.timeframe === timeframe);
  if (!series) throw unknownSeries(params, stored);
  const first = Math.max(from, series.from);
  const last = Math.min(to, series.to);
  if (first > last) throw emptyRange(params, series);
  const step = TIMEFRAME_MS[timeframe];
  const expectedRows = Math.min(series.count, Math.floor((last - first) / step) + 1);
  return { symbol, timeframe, from: first, to: last, expectedRows, series };
}

/**
 * The range's bars as rows, read `chunkBars` bars at a time through the store's chunked read,
 * so memory holds one chunk whatever the range. Rows are `[time, open, high, low, close, volume]`.
 */
export async function* candleRows(
  store: CandleStore,
  range: CandleRange,
  chunkBars: number,
): RowBatches {
  const chunks = store.readCandles(range.symbol, range.timeframe, {
    from: range.from,
    to: range.to,
    chunkBars,
  });
  try {
    for await (const chunk of chunks) yield* rowsOf(chunk);
  } catch (err) {
    if (err instanceof SeriesNotFoundError || err instanceof InvalidSeriesError) {
      throw unknownSeries(range, await store.listSeries(), err);
    }
    throw err;
  }
}

function* rowsOf({ time, open, high, low, close, volume }: Candles): Generator<readonly Row[]> {
  for (let i = 0; i < time.length; i += ROWS_PER_BATCH) {
    const n = Math.min(ROWS_PER_BATCH, time.length - i);
    const batch: Row[] = new Array<Row>(n);
    for (let j = 0; j < n; j++) {
      const k = i + j;
      batch[j] = [
        new Date(time[k] as number),
        open[k] as number,
        high[k] as number,
        low[k] as number,
        close[k] as number,
        volume[k] as number,
      ];
    }
    yield batch;
  }
}

function unknownSeries(
  params: { symbol: string; timeframe: Timeframe },
  stored: SeriesInfo[],
  cause?: unknown,
): NonRetryableError {
  const { message, field } = describeMissingSeries(params, stored);
  return new NonRetryableError(message, {
    code: MarketDataErrorCode.SERIES_NOT_FOUND,
    cause,
    fields: [field],
  });
}

/** The range holds no bar of the series. */
export function emptyRange(
  params: { symbol: string; timeframe: Timeframe; from?: string; to?: string },
  series: SeriesInfo,
): NonRetryableError {
  const { symbol, timeframe } = params;
  const asked = `from ${params.from ?? 'the start'} to ${params.to ?? 'the end'}`;
  const has = `it has ${new Date(series.from).toISOString()} to ${new Date(series.to).toISOString()}`;
  const fields = (['from', 'to'] as const)
    .filter((field) => params[field] !== undefined)
    .map((field) => ({ path: `/params/${field}`, message: 'leaves no candles in the range' }));
  return new NonRetryableError(`${symbol} ${timeframe} has no candles ${asked}; ${has}`, {
    code: ErrorCode.VALIDATION_FAILED,
    fields,
  });
}
