import { fairValueGaps, structureBreaks, swingPoints, type Candles } from '@wadm/analysis';

/** Neighbours on each side of a swing, as `analysis.history` defaults it. */
export const SWING_LOOKBACK = 3;

/** The day's market structure on the chart's bars; times are bar open times, ms. */
export interface DayStructure {
  swings: { kind: 'high' | 'low'; time: number; price: number }[];
  breaks: { direction: 'bullish' | 'bearish'; time: number; level: number; swingTime: number }[];
  gaps: {
    direction: 'bullish' | 'bearish';
    time: number;
    bottom: number;
    top: number;
    /** The bar that filled the gap by the day's end; null while it is open. */
    filledTime: number | null;
  }[];
}

/**
 * Swing highs and lows, breaks of structure and fair value gaps whose bar falls in
 * [dayStart, dayEnd), found over all of `bars` (the days before give the swings a break refers
 * to). A swing needs its right-hand neighbours, so the day's last bars hold none yet.
 */
export function dayStructure(bars: Candles, dayStart: number, dayEnd: number): DayStructure {
  const { time, high, low, close } = bars;
  const inDay = (bar: number) => time[bar]! >= dayStart && time[bar]! < dayEnd;
  const swings = swingPoints(high, low, SWING_LOOKBACK);
  return {
    swings: swings
      .filter((s) => inDay(s.bar))
      .map((s) => ({ kind: s.kind, time: time[s.bar]!, price: s.price })),
    breaks: structureBreaks(close, swings)
      .filter((b) => inDay(b.bar))
      .map((b) => ({
        direction: b.direction,
        time: time[b.bar]!,
        level: b.level,
        swingTime: time[b.swingBar]!,
      })),
    gaps: fairValueGaps(high, low)
      .filter((g) => inDay(g.bar))
      .map((g) => ({
        direction: g.direction,
        time: time[g.bar]!,
        bottom: g.bottom,
        top: g.top,
        filledTime: g.filledBar === null ? null : time[g.filledBar]!,
      })),
  };
}
