import { assertPeriod, warmUpArray } from './period.js';

/**
 * Average true range, TA-Lib's `ATR`: true range from index 1 (it needs the previous close), its
 * SMA over the first `period` true ranges as the seed at index `period`, then Wilder smoothing
 * `atr = (atr × (period − 1) + tr) / period`. With period 1 it is the true range itself.
 */
export function atr(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
): Float64Array {
  assertPeriod('ATR period', period, 1);
  const n = close.length;
  const out = warmUpArray(n, period);
  if (n <= period) return out;
  if (period === 1) {
    for (let i = 1; i < n; i++) out[i] = trueRange(high[i]!, low[i]!, close[i - 1]!);
    return out;
  }
  let sum = 0;
  for (let i = 1; i <= period; i++) sum += trueRange(high[i]!, low[i]!, close[i - 1]!);
  let prev = sum / period;
  out[period] = prev;
  const keep = period - 1;
  for (let i = period + 1; i < n; i++) {
    prev *= keep;
    prev += trueRange(high[i]!, low[i]!, close[i - 1]!);
    prev /= period;
    out[i] = prev;
  }
  return out;
}

/** The greatest of high − low, |previous close − high| and |previous close − low|. */
export function trueRange(high: number, low: number, prevClose: number): number {
  let greatest = high - low;
  const toHigh = Math.abs(prevClose - high);
  if (toHigh > greatest) greatest = toHigh;
  const toLow = Math.abs(prevClose - low);
  if (toLow > greatest) greatest = toLow;
  return greatest;
}
