import { assertPeriod, warmUpArray } from './period.js';

/** TA-Lib's `TA_IS_ZERO_OR_NEG` threshold. */
const EPSILON = 1e-14;

export interface BollingerBands {
  upper: Float64Array;
  /** The SMA of the period. */
  middle: Float64Array;
  lower: Float64Array;
}

/**
 * Bollinger bands as TA-Lib's `BBANDS` with an SMA middle band and the same deviation multiplier
 * up and down: `middle ± stddev × σ`, where σ is the population standard deviation of the last
 * `period` values. First value at index `period − 1`.
 *
 * σ is computed as TA-Lib does, `sqrt(mean(x²) − mean(x)²)` from running sums (0 when that is
 * below 1e-14), so that results equal TA-Lib's bit for bit rather than merely closely.
 */
export function bollinger(values: Float64Array, period: number, stddev: number): BollingerBands {
  assertPeriod('Bollinger period', period, 2);
  if (!Number.isFinite(stddev)) {
    throw new RangeError(`Bollinger stddev must be a finite number, got ${stddev}`);
  }
  const n = values.length;
  const upper = warmUpArray(n, period - 1);
  const middle = warmUpArray(n, period - 1);
  const lower = warmUpArray(n, period - 1);
  if (n < period) return { upper, middle, lower };

  let total = 0;
  let total2 = 0;
  for (let i = 0; i < period - 1; i++) {
    const v = values[i]!;
    total += v;
    total2 += v * v;
  }
  let trailing = 0;
  for (let i = period - 1; i < n; i++) {
    const v = values[i]!;
    const old = values[trailing++]!;
    total += v;
    const mean = total / period;
    total -= old;
    total2 += v * v;
    let variance = total2 / period;
    total2 -= old * old;
    variance -= mean * mean;
    const deviation = (variance < EPSILON ? 0 : Math.sqrt(variance)) * stddev;
    middle[i] = mean;
    upper[i] = mean + deviation;
    lower[i] = mean - deviation;
  }
  return { upper, middle, lower };
}
