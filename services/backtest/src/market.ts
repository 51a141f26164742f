import { ErrorCode, type Timeframe } from '@wadm/contracts';
import {
  describeMissingSeries,
  InvalidSeriesError,
  MarketDataErrorCode,
  SeriesNotFoundError,
  type CandleStore,
  type Candles,
  type SeriesInfo,
} from '@wadm/market-data';
import { NonRetryableError } from '@wadm/runtime';

/** The series fields shared by `backtest.*` and `analysis.*` params. */
export interface SeriesParams {
  symbol: string;
  timeframe: Timeframe;
  /** ISO-8601; the first bar's open time is at or after it. */
  from?: string;
  /** ISO-8601; the last bar's open time is at or before it. */
  to?: string;
}

/**
 * The candles a task asked for. An unknown series (the message lists the stored ones) and an
 * empty range (the message gives the series' own range) are `NonRetryableError`s: a retry would
 * read the same store and fail the same way.
 */
export async function loadSeries(store: CandleStore, params: SeriesParams): Promise<Candles> {
  const { symbol, timeframe } = params;
  const from = parseTime(params.from, 'from');
  const to = parseTime(params.to, 'to');
  if (from !== undefined && to !== undefined && from > to) {
    throw new NonRetryableError(`from (${params.from}) is after to (${params.to})`, {
      code: ErrorCode.VALIDATION_FAILED,
      fields: [{ path: '/params/from', message: 'is after /params/to' }],
    });
  }
  let candles: Candles;
  try {
    candles = await store.getCandles(symbol, timeframe, from, to);
  } catch (err) {
    if (err instanceof SeriesNotFoundError || err instanceof InvalidSeriesError) {
      throw unknownSeries(params, await store.listSeries(), err);
    }
    throw err;
  }
  if (candles.time.length === 0) {
    const stored = (await store.listSeries()).find(
      (s) => s.symbol === symbol && s.timeframe === timeframe,
    );
    throw emptyRange(params, stored);
  }
  return candles;
}

function parseTime(value: string | undefined, field: 'from' | 'to'): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new NonRetryableError(`${field} is not a time: ${JSON.stringify(value)}`, {
      code: ErrorCode.VALIDATION_FAILED,
      fields: [{ path: `/params/${field}`, message: 'is not an ISO-8601 time' }],
    });
  }
  return ms;
}

function unknownSeries(
  params: SeriesParams,
  stored: SeriesInfo[],
  cause: unknown,
): NonRetryableError {
  const { message, field } = describeMissingSeries(params, stored);
  return new NonRetryableError(message, {
    code: MarketDataErrorCode.SERIES_NOT_FOUND,
    cause,
    fields: [field],
  });
}

function emptyRange(params: SeriesParams, stored: SeriesInfo | undefined): NonRetryableError {
  const { symbol, timeframe } = params;
  const asked = `from ${params.from ?? 'the start'} to ${params.to ?? 'the end'}`;
  const has = stored
    ? `it has ${new Date(stored.from).toISOString()} to ${new Date(stored.to).toISOString()}`
    : 'it has none';
  const fields = (['from', 'to'] as const)
    .filter((field) => params[field] !== undefined)
    .map((field) => ({ path: `/params/${field}`, message: 'leaves no candles in the range' }));
  return new NonRetryableError(`${symbol} ${timeframe} has no candles ${asked}; ${has}`, {
    code: ErrorCode.VALIDATION_FAILED,
    fields,
  });
}
