import type { FieldError } from '@wadm/contracts';
import { assertCandles, type Candles } from '../candles.js';
import { AnalysisOptionsError, describeValue } from '../errors.js';
import { isoTimes } from '../iso-time.js';
import { periodsPerYear, TIMEFRAME_MS, type Timeframe } from '../timeframe.js';
import { drawdownEpisodes } from './drawdowns.js';
import { returnDistribution, type ReturnDistribution } from './returns.js';
import { fairValueGaps, structureBreaks, swingPoints } from './structure.js';
import { volatilityByPeriod, type VolatilityPeriod } from './volatility.js';

export interface HistoryOptions {
  /** The candles' timeframe: annualises volatility and picks its calendar period. */
  timeframe: Timeframe;
  /** Neighbours on each side of a swing high or low, 1–100. @defaultValue 3 */
  swingLookback?: number;
  /** Most recent entries kept in each list; totals count them all. @defaultValue 500 */
  maxItems?: number;
}

/** A list cut to its most recent entries, with the count before the cut. */
export interface Recent<T> {
  total: number;
  items: T[];
}

/** The result of `analysis.history`: plain JSON, times ISO-8601 UTC. */
export interface HistoryAnalysis {
  bars: number;
  from: string | null;
  to: string | null;
  returns: ReturnDistribution;
  volatility: {
    period: VolatilityPeriod;
    rows: Recent<{ start: string; returns: number; change: number; annualisedVolatility: number }>;
  };
  /** The ten deepest drawdowns of the closes, deepest first. */
  drawdowns: {
    peakTime: string;
    troughTime: string;
    recoveryTime: string | null;
    depth: number;
  }[];
  structure: {
    swingLookback: number;
    swings: Recent<{ kind: 'high' | 'low'; time: string; price: number; confirmedTime: string }>;
    breaks: Recent<{
      direction: 'bullish' | 'bearish';
      time: string;
      level: number;
      swingTime: string;
    }>;
    fairValueGaps: Recent<{
      direction: 'bullish' | 'bearish';
      time: string;
      bottom: number;
      top: number;
      filledTime: string | null;
    }> & { unfilled: number };
  };
}

/** Calendar periods short enough to see change, long enough to hold a few dozen returns. */
const VOLATILITY_PERIOD: Record<Timeframe, VolatilityPeriod> = {
  '1m': 'day',
  '5m': 'day',
  '15m': 'day',
  '1h': 'day',
  '4h': 'week',
  '1d': 'month',
};

/**
 * Historical analysis of one candle series: the return distribution, volatility per calendar
 * period, the deepest drawdowns, and market structure (swing points, breaks of structure, fair
 * value gaps). Pure (no I/O, no clock); throws an `AnalysisOptionsError` for bad options.
 */
export function analyzeHistory(candles: Candles, options: HistoryOptions): HistoryAnalysis {
  assertCandles(candles);
  const { timeframe, swingLookback = 3, maxItems = 500 } = options;
  const problems: FieldError[] = [];
  if (!Object.hasOwn(TIMEFRAME_MS, timeframe)) {
    problems.push({
      path: '/timeframe',
      message: `is not a timeframe: ${describeValue(timeframe)}`,
    });
  }
  if (!Number.isInteger(swingLookback) || swingLookback < 1 || swingLookback > 100) {
    const message = `must be an integer from 1 to 100, got ${describeValue(swingLookback)}`;
    problems.push({ path: '/swingLookback', message });
  }
  if (problems.length > 0) throw new AnalysisOptionsError(problems);

  const { time, high, low, close } = candles;
  const n = time.length;
  const isoAt = (bars: number[]) => isoTimes(bars.map((bar) => time[bar]!));
  const isoOrNull = (bars: (number | null)[]) => {
    const iso = isoAt(bars.map((bar) => bar ?? 0));
    return bars.map((bar, i) => (bar === null ? null : iso[i]!));
  };

  const period = VOLATILITY_PERIOD[timeframe];
  const volatility = recent(
    volatilityByPeriod(time, close, period, periodsPerYear(timeframe)),
    maxItems,
  );
  const volatilityStarts = isoTimes(volatility.items.map((row) => row.start));

  const drawdowns = drawdownEpisodes(close, 10);
  const peaks = isoAt(drawdowns.map((d) => d.peakBar));
  const troughs = isoAt(drawdowns.map((d) => d.troughBar));
  const recoveries = isoOrNull(drawdowns.map((d) => d.recoveryBar));

  const allSwings = swingPoints(high, low, swingLookback);
  const swings = recent(allSwings, maxItems);
  const swingTimes = isoAt(swings.items.map((s) => s.bar));
  const confirmTimes = isoAt(swings.items.map((s) => s.confirmedBar));

  const breaks = recent(structureBreaks(close, allSwings), maxItems);
  const breakTimes = isoAt(breaks.items.map((b) => b.bar));
  const brokenSwingTimes = isoAt(breaks.items.map((b) => b.swingBar));

  const allGaps = fairValueGaps(high, low);
  const gaps = recent(allGaps, maxItems);
  const gapTimes = isoAt(gaps.items.map((g) => g.bar));
  const fillTimes = isoOrNull(gaps.items.map((g) => g.filledBar));

  const [from = null, to = null] = n > 0 ? isoAt([0, n - 1]) : [];
  return {
    bars: n,
    from,
    to,
    returns: returnDistribution(close),
    volatility: {
      period,
      rows: {
        total: volatility.total,
        items: volatility.items.map((row, i) => ({ ...row, start: volatilityStarts[i]! })),
      },
    },
    drawdowns: drawdowns.map((d, i) => ({
      peakTime: peaks[i]!,
      troughTime: troughs[i]!,
      recoveryTime: recoveries[i] ?? null,
      depth: d.depth,
    })),
    structure: {
      swingLookback,
      swings: {
        total: swings.total,
        items: swings.items.map((s, i) => ({
          kind: s.kind,
          time: swingTimes[i]!,
          price: s.price,
          confirmedTime: confirmTimes[i]!,
        })),
      },
      breaks: {
        total: breaks.total,
        items: breaks.items.map((b, i) => ({
          direction: b.direction,
          time: breakTimes[i]!,
          level: b.level,
          swingTime: brokenSwingTimes[i]!,
        })),
      },
      fairValueGaps: {
        total: gaps.total,
        unfilled: allGaps.filter((g) => g.filledBar === null).length,
        items: gaps.items.map((g, i) => ({
          direction: g.direction,
          time: gapTimes[i]!,
          bottom: g.bottom,
          top: g.top,
          filledTime: fillTimes[i] ?? null,
        })),
      },
    },
  };
}

function recent<T>(all: T[], max: number): Recent<T> {
  return { total: all.length, items: all.slice(Math.max(0, all.length - max)) };
}
