/** A swing high or low: an extreme among its `lookback` neighbours on each side. */
export interface SwingPoint {
  kind: 'high' | 'low';
  bar: number;
  price: number;
  /** The bar whose close confirms it: `bar + lookback`, once the right-hand neighbours exist. */
  confirmedBar: number;
}

/**
 * Swing highs and lows ("fractals"), in bar order. A swing high's high is above each of the
 * `lookback` highs before it and not below any of the `lookback` highs after it, so of two equal
 * neighbouring highs only the first counts; lows mirror it. The last `lookback` bars cannot be
 * confirmed yet and hold none.
 */
export function swingPoints(high: Float64Array, low: Float64Array, lookback: number): SwingPoint[] {
  const swings: SwingPoint[] = [];
  for (let i = lookback; i + lookback < high.length; i++) {
    if (isExtreme(high, i, lookback, 1)) {
      swings.push({ kind: 'high', bar: i, price: high[i]!, confirmedBar: i + lookback });
    }
    if (isExtreme(low, i, lookback, -1)) {
      swings.push({ kind: 'low', bar: i, price: low[i]!, confirmedBar: i + lookback });
    }
  }
  return swings;
}

/** Whether `values[i]` is a swing: `sign` 1 for a high, −1 for a low. */
function isExtreme(values: Float64Array, i: number, lookback: number, sign: 1 | -1): boolean {
  const v = sign * values[i]!;
  for (let k = 1; k <= lookback; k++) {
    if (!(v > sign * values[i - k]!) || !(v >= sign * values[i + k]!)) return false;
  }
  return true;
}

/** A close beyond the latest confirmed swing of a side: the trend's structure breaking. */
export interface StructureBreak {
  direction: 'bullish' | 'bearish';
  /** The bar whose close broke the level. */
  bar: number;
  /** The swing's price that was broken. */
  level: number;
  swingBar: number;
}

/**
 * Breaks of structure: a close above the latest swing high confirmed by then (bullish), or below
 * the latest swing low (bearish). Each swing breaks once; a newer swing of the same side
 * replaces an unbroken older one. Known at the breaking bar's close: nothing looks ahead.
 */
export function structureBreaks(close: Float64Array, swings: SwingPoint[]): StructureBreak[] {
  const breaks: StructureBreak[] = [];
  const byConfirmation = [...swings].sort((a, b) => a.confirmedBar - b.confirmedBar);
  let next = 0;
  let high: SwingPoint | undefined;
  let low: SwingPoint | undefined;
  for (let t = 0; t < close.length; t++) {
    while (next < byConfirmation.length && byConfirmation[next]!.confirmedBar <= t) {
      const swing = byConfirmation[next++]!;
      if (swing.kind === 'high') high = swing;
      else low = swing;
    }
    const c = close[t]!;
    if (high && c > high.price) {
      breaks.push({ direction: 'bullish', bar: t, level: high.price, swingBar: high.bar });
      high = undefined;
    }
    if (low && c < low.price) {
      breaks.push({ direction: 'bearish', bar: t, level: low.price, swingBar: low.bar });
      low = undefined;
    }
  }
  return breaks;
}

/** A three-candle imbalance: price moved so fast that bars `bar − 2` and `bar` do not overlap. */
export interface FairValueGap {
  direction: 'bullish' | 'bearish';
  /** The third candle of the pattern. */
  bar: number;
  /** Lower edge: the first candle's high (bullish) or the third's high (bearish). */
  bottom: number;
  /** Upper edge: the third candle's low (bullish) or the first's low (bearish). */
  top: number;
  /** First later bar that trades through the whole gap; null while unfilled. */
  filledBar: number | null;
}

/**
 * Fair value gaps: bullish where `low[i] > high[i − 2]`, bearish where `high[i] < low[i − 2]`.
 * A bullish gap is filled once a later low reaches its bottom, a bearish one once a later high
 * reaches its top.
 *
 * Open gaps wait in lists sorted by the edge that fills them, so each bar only looks at the
 * gaps it fills: a strong trend leaves thousands open, and rescanning the bars after every gap
 * would be quadratic.
 */
export function fairValueGaps(high: Float64Array, low: Float64Array): FairValueGap[] {
  const gaps: FairValueGap[] = [];
  const openBullish: FairValueGap[] = []; // ascending bottoms: the last is filled first
  const openBearish: FairValueGap[] = []; // descending tops: the last is filled first
  for (let i = 0; i < high.length; i++) {
    while (openBullish.length > 0 && openBullish.at(-1)!.bottom >= low[i]!) {
      openBullish.pop()!.filledBar = i;
    }
    while (openBearish.length > 0 && openBearish.at(-1)!.top <= high[i]!) {
      openBearish.pop()!.filledBar = i;
    }
    if (i < 2) continue;
    if (low[i]! > high[i - 2]!) {
      const gap: FairValueGap = {
        direction: 'bullish',
        bar: i,
        bottom: high[i - 2]!,
        top: low[i]!,
        filledBar: null,
      };
      gaps.push(gap);
      insertSorted(openBullish, gap, (g) => g.bottom);
    } else if (high[i]! < low[i - 2]!) {
      const gap: FairValueGap = {
        direction: 'bearish',
        bar: i,
        bottom: high[i]!,
        top: low[i - 2]!,
        filledBar: null,
      };
      gaps.push(gap);
      insertSorted(openBearish, gap, (g) => -g.top);
    }
  }
  return gaps;
}

/** Inserts `item` into `list`, kept ascending by `key`, after any equal keys. */
function insertSorted<T>(list: T[], item: T, key: (t: T) => number): void {
  const k = key(item);
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(list[mid]!) <= k) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, item);
}
