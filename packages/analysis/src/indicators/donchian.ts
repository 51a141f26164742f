import { assertPeriod, warmUpArray } from './period.js';

export interface DonchianChannel {
  /** Highest high of the last `period` bars, the current one included. */
  upper: Float64Array;
  /** (upper + lower) / 2. */
  middle: Float64Array;
  /** Lowest low of the last `period` bars, the current one included. */
  lower: Float64Array;
}

/** Donchian channel over `period` bars (TA-Lib's `MAX` of highs and `MIN` of lows). */
export function donchian(high: Float64Array, low: Float64Array, period: number): DonchianChannel {
  assertPeriod('Donchian period', period, 1);
  const upper = rollingMax(high, period);
  const lower = rollingMin(low, period);
  const middle = warmUpArray(upper.length, period - 1);
  for (let i = period - 1; i < upper.length; i++) middle[i] = (upper[i]! + lower[i]!) / 2;
  return { upper, middle, lower };
}

/**
 * Highest value of the last `period` values (TA-Lib's `MAX`), first at index `period − 1`.
 *
 * The van Herk–Gil-Werman algorithm: cut the series into blocks of `period`; a window of
 * `period` values is the tail of one block plus the head of the next, so its maximum is the
 * larger of a running maximum from the window's start to its block's end (`suffix`) and one from
 * the next block's start to the window's end (`prefix`). Three comparisons per value whatever the
 * data, where TA-Lib's rescan is O(n × period) on a falling series, and a monotonic queue's
 * data-dependent pops mispredict on noisy prices (about twice as slow here).
 */
export function rollingMax(values: Float64Array, period: number): Float64Array {
  assertPeriod('MAX period', period, 1);
  const n = values.length;
  const out = warmUpArray(n, period - 1);
  const suffix = new Float64Array(n);
  for (let end = n; end > 0;) {
    const start = end - (end % period || period);
    let max = values[end - 1]!;
    for (let i = end - 1; i >= start; i--) {
      const v = values[i]!;
      if (v > max) max = v;
      suffix[i] = max;
    }
    end = start;
  }
  let prefix = 0;
  for (let i = 0, k = 0; i < n; i++, k = k === period - 1 ? 0 : k + 1) {
    const v = values[i]!;
    prefix = k === 0 || v > prefix ? v : prefix;
    if (i >= period - 1) {
      const s = suffix[i - period + 1]!;
      out[i] = s > prefix ? s : prefix;
    }
  }
  return out;
}

/** Lowest value of the last `period` values (TA-Lib's `MIN`), as `rollingMax`. */
export function rollingMin(values: Float64Array, period: number): Float64Array {
  assertPeriod('MIN period', period, 1);
  const n = values.length;
  const out = warmUpArray(n, period - 1);
  const suffix = new Float64Array(n);
  for (let end = n; end > 0;) {
    const start = end - (end % period || period);
    let min = values[end - 1]!;
    for (let i = end - 1; i >= start; i--) {
      const v = values[i]!;
      if (v < min) min = v;
      suffix[i] = min;
    }
    end = start;
  }
  let prefix = 0;
  for (let i = 0, k = 0; i < n; i++, k = k === period - 1 ? 0 : k + 1) {
    const v = values[i]!;
    prefix = k === 0 || v < prefix ? v : prefix;
    if (i >= period - 1) {
      const s = suffix[i - period + 1]!;
      out[i] = s < prefix ? s : prefix;
    }
  }
  return out;
}
