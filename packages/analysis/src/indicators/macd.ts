import { windowMean } from './moving-average.js';
import { assertPeriod, warmUpArray } from './period.js';

export interface MacdSeries {
  /** Fast EMA − slow EMA. */
  macd: Float64Array;
  /** EMA of the MACD line over `signal` periods. */
  signal: Float64Array;
  /** MACD − signal. */
  histogram: Float64Array;
}

/**
 * MACD exactly as TA-Lib's `MACD`:
 *
 * - if `slow < fast` the two are swapped (TA-Lib does so);
 * - both EMAs start on bar `slow − 1`: the slow one seeded with the SMA of the first `slow` values,
 *   the fast one with the SMA of the `fast` values ending on that bar (not of the first `fast`);
 * - the signal line is the EMA of the MACD line, seeded with the SMA of its first `signal` values;
 * - all three outputs start on bar `slow + signal − 2`, where TA-Lib's first value appears. The
 *   MACD line exists earlier but TA-Lib does not report it, and neither do we.
 */
export function macd(values: Float64Array, fast: number, slow: number, signal: number): MacdSeries {
  assertPeriod('MACD fast period', fast, 2);
  assertPeriod('MACD slow period', slow, 2);
  assertPeriod('MACD signal period', signal, 1);
  if (slow < fast) [fast, slow] = [slow, fast];
  const n = values.length;
  const start = slow - 1;
  const first = start + signal - 1;
  const line = warmUpArray(n, first);
  const signalLine = warmUpArray(n, first);
  const histogram = warmUpArray(n, first);
  if (first >= n) return { macd: line, signal: signalLine, histogram };

  // Both EMAs advance in one loop: two independent dependency chains that the CPU overlaps.
  const kSlow = 2 / (slow + 1);
  const kFast = 2 / (fast + 1);
  let slowEma = windowMean(values, start, slow);
  let fastEma = windowMean(values, start, fast);
  line[start] = fastEma - slowEma;
  for (let i = start + 1; i < n; i++) {
    const v = values[i]!;
    slowEma = (v - slowEma) * kSlow + slowEma;
    fastEma = (v - fastEma) * kFast + fastEma;
    line[i] = fastEma - slowEma;
  }
  const kSignal = 2 / (signal + 1);
  let signalEma = windowMean(line, first, signal);
  signalLine[first] = signalEma;
  histogram[first] = line[first]! - signalEma;
  for (let i = first + 1; i < n; i++) {
    const m = line[i]!;
    signalEma = (m - signalEma) * kSignal + signalEma;
    signalLine[i] = signalEma;
    histogram[i] = m - signalEma;
  }
  line.fill(NaN, start, first);
  return { macd: line, signal: signalLine, histogram };
}
