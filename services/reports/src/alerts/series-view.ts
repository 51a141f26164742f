import { rsi, structureBreaks, swingPoints } from '@wadm/analysis';
import type { Candles } from '@wadm/market-data';

/** Bars of history behind an RSI value: Wilder smoothing forgets the start at (p−1)/p a bar. */
const RSI_HISTORY_PERIODS = 10;
/** Bars searched for swings and breaks of structure. */
const STRUCTURE_BARS = 500;

/**
 * One candle series as the rules on it see it. Indicators are computed once per parameter and
 * shared by every rule asking for the same one: 10,000 rules sit on a few dozen series.
 */
export class SeriesView {
  private readonly rsiByPeriod = new Map<number, number>();
  private readonly breaksByLookback = new Map<number, { bullish: number; bearish: number }>();

  constructor(readonly candles: Candles) {}

  get length(): number {
    return this.candles.time.length;
  }

  /** Open time of the latest bar. */
  get lastTime(): number {
    return this.candles.time[this.length - 1] ?? Number.NaN;
  }

  close(barsBack: number): number {
    return this.candles.close[this.length - 1 - barsBack] ?? Number.NaN;
  }

  /** RSI of the latest bar; NaN with too little data. */
  rsi(period: number): number {
    let value = this.rsiByPeriod.get(period);
    if (value === undefined) {
      const start = Math.max(0, this.length - barsForRsi(period));
      const closes = this.candles.close.subarray(start);
      value = closes.length > period ? (rsi(closes, period).at(-1) ?? Number.NaN) : Number.NaN;
      this.rsiByPeriod.set(period, value);
    }
    return value;
  }

  /** Open time of the latest bullish and bearish break of structure; 0 where there is none. */
  latestBreaks(lookback: number): { bullish: number; bearish: number } {
    let found = this.breaksByLookback.get(lookback);
    if (!found) {
      const start = Math.max(0, this.length - STRUCTURE_BARS);
      const high = this.candles.high.subarray(start);
      const low = this.candles.low.subarray(start);
      const close = this.candles.close.subarray(start);
      found = { bullish: 0, bearish: 0 };
      for (const b of structureBreaks(close, swingPoints(high, low, lookback))) {
        found[b.direction] = this.candles.time[start + b.bar] ?? 0;
      }
      this.breaksByLookback.set(lookback, found);
    }
    return found;
  }
}

export function barsForRsi(period: number): number {
  return period * RSI_HISTORY_PERIODS + 1;
}

export { STRUCTURE_BARS };
