/** The distribution of close-to-close returns. */
export interface ReturnDistribution {
  /** Number of returns: bars − 1. */
  count: number;
  mean: number;
  /** Sample standard deviation. */
  stdev: number;
  /** Sample skewness (Fisher–Pearson, unadjusted); 0 without variation. */
  skewness: number;
  /** Kurtosis minus 3 (a normal distribution's is 0); 0 without variation. */
  excessKurtosis: number;
  min: number;
  max: number;
  /** Linear-interpolated percentiles, keyed `p1`, `p5`, `p25`, `p50`, `p75`, `p95`, `p99`. */
  percentiles: Record<string, number>;
  /** Equal-width bins from `min` to `max`: each holds [from, to), the last [from, to]. */
  histogram: { from: number; to: number; count: number }[];
}

const PERCENTILES = [1, 5, 25, 50, 75, 95, 99];

/** Simple returns `close[t] / close[t − 1] − 1`. */
export function closeReturns(close: Float64Array): Float64Array {
  const out = new Float64Array(Math.max(0, close.length - 1));
  for (let t = 1; t < close.length; t++) out[t - 1] = close[t]! / close[t - 1]! - 1;
  return out;
}

/** Moments, percentiles and a histogram of the close-to-close returns. */
export function returnDistribution(close: Float64Array, bins = 20): ReturnDistribution {
  const returns = closeReturns(close);
  const n = returns.length;
  if (n === 0) {
    return {
      count: 0,
      mean: 0,
      stdev: 0,
      skewness: 0,
      excessKurtosis: 0,
      min: 0,
      max: 0,
      percentiles: Object.fromEntries(PERCENTILES.map((p) => [`p${p}`, 0])),
      histogram: [],
    };
  }
  let sum = 0;
  for (const r of returns) sum += r;
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const r of returns) {
    const d = r - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  const variance = m2 / n; // population moments for skewness and kurtosis
  const sorted = returns.slice().sort();
  const min = sorted[0]!;
  const max = sorted[n - 1]!;
  return {
    count: n,
    mean,
    stdev: n > 1 ? Math.sqrt(m2 / (n - 1)) : 0,
    skewness: variance > 0 ? m3 / n / variance ** 1.5 : 0,
    excessKurtosis: variance > 0 ? m4 / n / (variance * variance) - 3 : 0,
    min,
    max,
    percentiles: Object.fromEntries(PERCENTILES.map((p) => [`p${p}`, percentile(sorted, p)])),
    histogram: histogram(sorted, bins),
  };
}

/** The `p`-th percentile of ascending `sorted`, interpolating between neighbours. */
export function percentile(sorted: Float64Array, p: number): number {
  const at = ((sorted.length - 1) * p) / 100;
  const below = Math.floor(at);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (at - below);
}

function histogram(sorted: Float64Array, bins: number): ReturnDistribution['histogram'] {
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  const width = (max - min) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const r of sorted) {
    // Every return in one bin when they are all equal (width 0); the maximum in the last bin.
    const bin = width > 0 ? Math.min(bins - 1, Math.floor((r - min) / width)) : 0;
    counts[bin]!++;
  }
  return counts.map((count, i) => ({
    from: min + i * width,
    to: i === bins - 1 ? max : min + (i + 1) * width,
    count,
  }));
}
