/** Calendar periods that volatility is grouped by, all in UTC; weeks start on Monday. */
export type VolatilityPeriod = 'day' | 'week' | 'month';

export interface PeriodVolatility {
  /** Open time of the period's first possible bar, ms: 00:00 UTC of its day, Monday or 1st. */
  start: number;
  /** Close-to-close returns in the period (a return belongs to the period of its later bar). */
  returns: number;
  /** From the last close before the period to its last close. */
  change: number;
  /** Sample standard deviation of the period's returns × √periodsPerYear. */
  annualisedVolatility: number;
}

const DAY_MS = 86_400_000;

/** The start of the UTC period holding `ms`. */
export function periodStart(ms: number, period: VolatilityPeriod): number {
  const dayStart = Math.floor(ms / DAY_MS) * DAY_MS;
  if (period === 'day') return dayStart;
  if (period === 'week') return dayStart - ((new Date(dayStart).getUTCDay() + 6) % 7) * DAY_MS;
  const date = new Date(dayStart);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/** Realised volatility and change per calendar period, oldest first. */
export function volatilityByPeriod(
  time: Float64Array,
  close: Float64Array,
  period: VolatilityPeriod,
  periodsPerYear: number,
): PeriodVolatility[] {
  const rows: PeriodVolatility[] = [];
  let start = Number.NaN;
  let firstBar = 0; // the close before the period's first return
  // Welford's running mean and sum of squared deviations: stable for tiny returns.
  let count = 0;
  let mean = 0;
  let m2 = 0;
  const flush = (lastBar: number) => {
    const variance = count > 1 ? m2 / (count - 1) : 0;
    rows.push({
      start,
      returns: count,
      change: close[lastBar]! / close[firstBar]! - 1,
      annualisedVolatility: Math.sqrt(variance * periodsPerYear),
    });
  };
  for (let t = 1; t < close.length; t++) {
    const key = periodStart(time[t]!, period);
    if (key !== start) {
      if (count > 0) flush(t - 1);
      start = key;
      firstBar = t - 1;
      count = 0;
      mean = 0;
      m2 = 0;
    }
    const r = close[t]! / close[t - 1]! - 1;
    count++;
    const d = r - mean;
    mean += d / count;
    m2 += d * (r - mean);
  }
  if (count > 0) flush(close.length - 1);
  return rows;
}
