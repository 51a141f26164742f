import type { Candles } from './candles.js';
import type { Timeframe } from './timeframe.js';

/** One stored series and the range it covers. */
export interface SeriesInfo {
  symbol: string;
  timeframe: Timeframe;
  /** Open time of the first bar, ms since the epoch. */
  from: number;
  /** Open time of the last bar, ms since the epoch. */
  to: number;
  count: number;
}

/** What a put did: bars it added, bars whose time existed and were replaced, bars stored now. */
export interface PutResult {
  inserted: number;
  updated: number;
  total: number;
}

/** What {@link CandleStore.readCandles} reads: an inclusive time range, a chunk at a time. */
export interface CandleChunks {
  from?: number | undefined;
  to?: number | undefined;
  /** Bars per chunk, at least 1. */
  chunkBars: number;
}

/**
 * OHLCV candle storage, one series per symbol and timeframe. Implemented over the MARKET_DATA
 * object store (the embedded default) and MongoDB; both pass `test/candle-store-contract.ts`.
 */
export interface CandleStore {
  /**
   * The bars with `from <= time <= to` (ms since the epoch; either bound may be left out),
   * oldest first. An empty range gives empty columns.
   *
   * @throws SeriesNotFoundError when nothing was ever stored for the series.
   * @throws InvalidSeriesError for a symbol or timeframe that cannot name a series.
   */
  getCandles(symbol: string, timeframe: Timeframe, from?: number, to?: number): Promise<Candles>;

  /**
   * The bars `getCandles` gives for the same range, in chunks of at most `chunkBars`, oldest
   * first, each read when it is asked for and holding only its own bars: how a long series is
   * exported without the whole of it in memory, or read again per chunk.
   *
   * @throws SeriesNotFoundError, InvalidSeriesError as getCandles does, on the first chunk.
   */
  readCandles(symbol: string, timeframe: Timeframe, range: CandleChunks): AsyncIterable<Candles>;

  /**
   * Merges `candles` into the series by time: a bar whose time is stored replaces it, the
   * others are added; the series stays sorted. `candles` may come in any order but must be
   * sane bars with distinct times. All or nothing: a bad bar fails the put before any write.
   *
   * @throws InvalidCandlesError naming the first bad bar.
   */
  putCandles(symbol: string, timeframe: Timeframe, candles: Candles): Promise<PutResult>;

  /** Every stored series, by symbol and then timeframe (shortest first). */
  listSeries(): Promise<SeriesInfo[]>;
}
