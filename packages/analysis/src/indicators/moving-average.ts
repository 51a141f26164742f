import { assertPeriod, warmUpArray } from './period.js';

/**
 * Simple moving average, TA-Lib's `SMA`: the first value is at index `period - 1`.
 *
 * The running sum adds and subtracts in TA-Lib's order so the results are bit-for-bit TA-Lib's.
 */
export function sma(values: Float64Array, period: number): Float64Array {
  assertPeriod('SMA period', period, 1);
  const n = values.length;
  const out = warmUpArray(n, period - 1);
  if (n < period) return out;
  let total = 0;
  for (let i = 0; i < period - 1; i++) total += values[i]!;
  let trailing = 0;
  for (let i = period - 1; i < n; i++) {
    total += values[i]!;
    const sum = total;
    total -= values[trailing++]!;
    out[i] = sum / period;
  }
  return out;
}

/**
 * Exponential moving average, TA-Lib's `EMA` (default compatibility): seeded at index
 * `period - 1` with the SMA of the first `period` values, then `ema += (x - ema) × k` with
 * `k = 2 / (period + 1)`.
 */
export function ema(values: Float64Array, period: number): Float64Array {
  assertPeriod('EMA period', period, 1);
  const n = values.length;
  const out = warmUpArray(n, period - 1);
  if (n < period) return out;
  const k = 2 / (period + 1);
  let prev = windowMean(values, period - 1, period);
  out[period - 1] = prev;
  for (let i = period; i < n; i++) {
    prev = (values[i]! - prev) * k + prev;
    out[i] = prev;
  }
  return out;
}

/** The mean of the `period` values ending at index `last`, added oldest first as TA-Lib does. */
export function windowMean(values: Float64Array, last: number, period: number): number {
  let sum = 0;
  for (let i = last - period + 1; i <= last; i++) sum += values[i]!;
  return sum / period;
}
