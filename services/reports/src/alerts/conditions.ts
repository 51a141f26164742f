import type { AlertCondition } from '@wadm/contracts';
import { barsForRsi, STRUCTURE_BARS, type SeriesView } from './series-view.js';

export const DEFAULT_RSI_PERIOD = 14;
export const DEFAULT_STRUCTURE_LOOKBACK = 2;

/**
 * What a condition sees on the latest bar. `level` conditions are met or not, and trigger when
 * they become met; an `event` condition (a break of structure) triggers on each newer event,
 * `value` being the event's time.
 */
export type Observation =
  { kind: 'level'; met: boolean; value: number } | { kind: 'event'; value: number };

/** Bars of the series a condition reads, counting back from the latest. */
export function barsNeeded(condition: AlertCondition): number {
  switch (condition.kind) {
    case 'price_cross':
      return 1;
    case 'change_pct':
      return condition.bars + 1;
    case 'rsi':
      return barsForRsi(condition.period ?? DEFAULT_RSI_PERIOD);
    case 'structure_break':
      return STRUCTURE_BARS;
  }
}

/** The condition on the series' latest bar; undefined when the series is too short for it. */
export function observe(condition: AlertCondition, series: SeriesView): Observation | undefined {
  switch (condition.kind) {
    case 'price_cross': {
      const close = series.close(0);
      if (Number.isNaN(close)) return undefined;
      const met =
        condition.direction === 'up' ? close >= condition.level : close <= condition.level;
      return { kind: 'level', met, value: close };
    }
    case 'change_pct': {
      const base = series.close(condition.bars);
      const close = series.close(0);
      if (!(base > 0) || Number.isNaN(close)) return undefined;
      const change = (close / base - 1) * 100;
      const met =
        condition.direction === 'up' ? change >= condition.percent : change <= -condition.percent;
      return { kind: 'level', met, value: change };
    }
    case 'rsi': {
      const value = series.rsi(condition.period ?? DEFAULT_RSI_PERIOD);
      if (Number.isNaN(value)) return undefined;
      const met =
        condition.direction === 'above' ? value > condition.level : value < condition.level;
      return { kind: 'level', met, value };
    }
    case 'structure_break': {
      if (series.length === 0) return undefined;
      const { bullish, bearish } = series.latestBreaks(
        condition.lookback ?? DEFAULT_STRUCTURE_LOOKBACK,
      );
      const direction = condition.direction ?? 'any';
      const value =
        direction === 'bullish'
          ? bullish
          : direction === 'bearish'
            ? bearish
            : Math.max(bullish, bearish);
      return { kind: 'event', value };
    }
  }
}

/** A short phrase for messages: `BTCUSDT 1h close crossed above 50000`. */
export function describeCondition(condition: AlertCondition): string {
  switch (condition.kind) {
    case 'price_cross':
      return `close crossed ${condition.direction === 'up' ? 'above' : 'below'} ${condition.level}`;
    case 'change_pct':
      return `close ${condition.direction === 'up' ? 'rose' : 'fell'} ${condition.percent}% or more over ${condition.bars} bars`;
    case 'rsi':
      return `RSI(${condition.period ?? DEFAULT_RSI_PERIOD}) went ${condition.direction} ${condition.level}`;
    case 'structure_break':
      return `${condition.direction ?? 'any'} break of structure`;
  }
}
