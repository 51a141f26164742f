/**
 * OHLCV candles as columns, oldest first. Every column has the same length; `time` is the bar's
 * open time in ms since the epoch, strictly increasing.
 */
export interface Candles {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** The columns in their stored order: the binary layout and the CSV writers rely on it. */
export const CANDLE_COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
export type CandleColumn = (typeof CANDLE_COLUMNS)[number];

export function emptyCandles(): Candles {
  return allocateCandles(0);
}

export function allocateCandles(length: number): Candles {
  return {
    time: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
  };
}

/** Bars `start` (inclusive) to `end` (exclusive), sharing memory with `candles`. */
export function sliceCandles(candles: Candles, start: number, end: number): Candles {
  return {
    time: candles.time.subarray(start, end),
    open: candles.open.subarray(start, end),
    high: candles.high.subarray(start, end),
    low: candles.low.subarray(start, end),
    close: candles.close.subarray(start, end),
    volume: candles.volume.subarray(start, end),
  };
}

/** The first index whose time is `>= time` (`strict`: `> time`), by binary search. */
export function searchTime(times: Float64Array, time: number, strict = false): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const t = times[mid] as number;
    if (t < time || (strict && t === time)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The bars with `from <= time <= to`, sharing memory with `candles`. */
export function candlesInRange(candles: Candles, from?: number, to?: number): Candles {
  const start = from === undefined ? 0 : searchTime(candles.time, from);
  const end = to === undefined ? candles.time.length : searchTime(candles.time, to, true);
  return sliceCandles(candles, start, Math.max(start, end));
}

/** The bars at `order`'s indices, in that order, as fresh columns. */
export function pickCandles(candles: Candles, order: readonly number[]): Candles {
  const out = allocateCandles(order.length);
  for (const column of CANDLE_COLUMNS) {
    const from = candles[column];
    const to = out[column];
    order.forEach((index, i) => (to[i] = from[index] as number));
  }
  return out;
}
