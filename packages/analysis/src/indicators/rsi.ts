import { assertPeriod, warmUpArray } from './period.js';

/** TA-Lib's `TA_IS_ZERO` threshold. */
const EPSILON = 1e-14;

/**
 * Relative strength index, TA-Lib's `RSI` (Wilder smoothing, default compatibility).
 *
 * Average gain and loss start as plain means of the first `period` changes, so the first value
 * is at index `period`; after that `avg = (avg × (period − 1) + change) / period`.
 * `RSI = 100 × gain / (gain + loss)`, and 0 where gain + loss is zero (TA-Lib's choice).
 */
export function rsi(values: Float64Array, period: number): Float64Array {
  assertPeriod('RSI period', period, 2);
  const n = values.length;
  const out = warmUpArray(n, period);
  if (n <= period) return out;
  let gain = 0;
  let loss = 0;
  let prevValue = values[0]!;
  for (let i = 1; i <= period; i++) {
    const value = values[i]!;
    const change = value - prevValue;
    prevValue = value;
    if (change < 0) loss -= change;
    else gain += change;
  }
  loss /= period;
  gain /= period;
  out[period] = ratio(gain, loss);
  const keep = period - 1;
  for (let i = period + 1; i < n; i++) {
    const value = values[i]!;
    const change = value - prevValue;
    prevValue = value;
    loss *= keep;
    gain *= keep;
    if (change < 0) loss -= change;
    else gain += change;
    loss /= period;
    gain /= period;
    out[i] = ratio(gain, loss);
  }
  return out;
}

function ratio(gain: number, loss: number): number {
  const total = gain + loss;
  return total > -EPSILON && total < EPSILON ? 0 : 100 * (gain / total);
}
