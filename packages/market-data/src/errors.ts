/** Stable codes of market-data failures; the gateway and task handlers map them by code. */
export const MarketDataErrorCode = {
  INVALID_SERIES: 'INVALID_SERIES',
  SERIES_NOT_FOUND: 'SERIES_NOT_FOUND',
  INVALID_CANDLES: 'INVALID_CANDLES',
  CSV_REJECTED: 'CSV_REJECTED',
  WRITE_CONFLICT: 'WRITE_CONFLICT',
  CORRUPT_SERIES: 'CORRUPT_SERIES',
  NOT_PROVISIONED: 'NOT_PROVISIONED',
} as const;
export type MarketDataErrorCode = (typeof MarketDataErrorCode)[keyof typeof MarketDataErrorCode];

/** A symbol or timeframe that can never name a series (`btc`, `2h`). */
export class InvalidSeriesError extends Error {
  override readonly name = 'InvalidSeriesError';
  readonly code = MarketDataErrorCode.INVALID_SERIES;
}

/** No candles were ever stored for this symbol and timeframe. */
export class SeriesNotFoundError extends Error {
  override readonly name = 'SeriesNotFoundError';
  readonly code = MarketDataErrorCode.SERIES_NOT_FOUND;
  constructor(
    readonly symbol: string,
    readonly timeframe: string,
  ) {
    super(`no candles for ${symbol} ${timeframe}`);
  }
}

/** Candles handed to `putCandles` that break the store's invariants; nothing was written. */
export class InvalidCandlesError extends Error {
  override readonly name = 'InvalidCandlesError';
  readonly code = MarketDataErrorCode.INVALID_CANDLES;
}

/** One rejected CSV row: its 1-based line number in the file and what is wrong with it. */
export interface CsvRowError {
  line: number;
  message: string;
}

/** A CSV file with bad rows (or none at all); nothing was written. */
export class CandleCsvError extends Error {
  override readonly name = 'CandleCsvError';
  readonly code = MarketDataErrorCode.CSV_REJECTED;
  constructor(
    message: string,
    /** The first rejected rows, in line order (capped; `errorCount` has them all). */
    readonly errors: readonly CsvRowError[],
    readonly errorCount: number = errors.length,
  ) {
    super(message);
  }
}

/** Other writers kept changing the series: every optimistic write attempt lost the race. */
export class WriteConflictError extends Error {
  override readonly name = 'WriteConflictError';
  readonly code = MarketDataErrorCode.WRITE_CONFLICT;
  constructor(series: string, attempts: number, options?: ErrorOptions) {
    super(`${series} changed under ${attempts} write attempts in a row; try again`, options);
  }
}

/** A stored series that does not decode: written by something else, or damaged. */
export class CorruptSeriesError extends Error {
  override readonly name = 'CorruptSeriesError';
  readonly code = MarketDataErrorCode.CORRUPT_SERIES;
  constructor(series: string, reason: string, options?: ErrorOptions) {
    super(`stored series ${series} is unreadable: ${reason}`, options);
  }
}

/** The object store bucket does not exist: NATS was not provisioned. */
export class StoreNotProvisionedError extends Error {
  override readonly name = 'StoreNotProvisionedError';
  readonly code = MarketDataErrorCode.NOT_PROVISIONED;
  constructor(bucket: string, options?: ErrorOptions) {
    super(`the ${bucket} object store does not exist: provision NATS first`, options);
  }
}
