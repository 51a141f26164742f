import { isoTimes, sma, type Candles, type Timeframe } from '@wadm/analysis';
import { CHART_BARS, DAY_MS, type SymbolSeries } from './daily-data.js';
import { dayStructure, type DayStructure } from './day-structure.js';
import { dayFigures, FIGURE_PERIODS, type DayFigures } from './figures.js';
import { daySignals } from './signals.js';

/** The chart of a symbol page: its last bars and the SMAs drawn over them, index for index. */
export interface ChartData {
  bars: Candles;
  smaFast: Float64Array;
  smaSlow: Float64Array;
}

/** A symbol with a bar on the report's day: everything its page and summary row show. */
export interface SymbolReport {
  symbol: string;
  dailySource: '1d' | '1h';
  figures: DayFigures;
  /** Null when no bars of the chart's timeframe are stored (nor 1h to build them from). */
  chart: ChartData | null;
  chartSource: Timeframe | undefined;
  structure: DayStructure | null;
  signals: string[];
}

/** The report for one day: each symbol with a bar that day, then those without. */
export interface DailyReport {
  date: string;
  timeframe: Timeframe;
  reports: SymbolReport[];
  missing: MissingSymbol[];
}

/** A symbol the report lists without a page, and why. */
export interface MissingSymbol {
  symbol: string;
  reason: string;
}

/** The report's content for one symbol, or why it has none for the day. */
export function symbolReport(
  series: SymbolSeries,
  date: string,
  timeframe: Timeframe,
): SymbolReport | MissingSymbol {
  const { symbol, daily, dailySource, chart, chartSource } = series;
  if (!daily || !dailySource) return { symbol, reason: 'no 1d or 1h candles stored' };
  const dayStart = Date.parse(`${date}T00:00:00Z`);
  const last = daily.time.length - 1;
  if (last < 0 || daily.time[last] !== dayStart) {
    const latest = last < 0 ? 'none in the 400 days before' : `last ${isoDay(daily.time[last]!)}`;
    return { symbol, reason: `no ${dailySource} bar on ${date} (${latest})` };
  }
  const dayEnd = dayStart + DAY_MS;
  const bars = chart && chart.time.length > 0 ? chart : undefined;
  const intraday = bars && sliceFrom(bars, firstAtOrAfter(bars.time, dayStart));
  const figures = dayFigures(daily, intraday, timeframe);
  const structure = bars ? dayStructure(bars, dayStart, dayEnd) : null;
  return {
    symbol,
    dailySource,
    figures,
    chart: bars ? chartData(bars) : null,
    chartSource,
    structure,
    signals: daySignals(figures, structure),
  };
}

export function isMissing(r: SymbolReport | MissingSymbol): r is MissingSymbol {
  return 'reason' in r;
}

/**
 * The last CHART_BARS bars with SMA 50 and 200 computed over all bars, so warmed up. Copies:
 * the store's bars may be views of a whole series, which the report must not keep alive.
 */
function chartData(bars: Candles): ChartData {
  const start = Math.max(0, bars.time.length - CHART_BARS);
  const last = sliceFrom(bars, start);
  return {
    bars: {
      time: last.time.slice(),
      open: last.open.slice(),
      high: last.high.slice(),
      low: last.low.slice(),
      close: last.close.slice(),
      volume: last.volume.slice(),
    },
    smaFast: sma(bars.close, FIGURE_PERIODS.smaFast).slice(start),
    smaSlow: sma(bars.close, FIGURE_PERIODS.smaSlow).slice(start),
  };
}

function sliceFrom(c: Candles, start: number): Candles {
  return {
    time: c.time.subarray(start),
    open: c.open.subarray(start),
    high: c.high.subarray(start),
    low: c.low.subarray(start),
    close: c.close.subarray(start),
    volume: c.volume.subarray(start),
  };
}

function firstAtOrAfter(time: Float64Array, ms: number): number {
  const i = time.findIndex((t) => t >= ms);
  return i < 0 ? time.length : i;
}

function isoDay(ms: number): string {
  return isoTimes([ms])[0]!.slice(0, 10);
}
