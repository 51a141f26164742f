import { TIMEFRAME_MS, type Candles, type Timeframe } from '@wadm/analysis';
import { aggregateCandles, SeriesNotFoundError, type CandleStore } from '@wadm/market-data';

export const DAY_MS = 86_400_000;
/** Bars drawn on each symbol's chart. */
export const CHART_BARS = 90;
/** The longest moving average: SMA 200 needs 199 bars before the first one it is drawn on. */
const LONGEST_SMA = 200;
/** Daily history read before the day: SMA 200 on the day, and MACD's EMAs long settled. */
const DAILY_HISTORY_DAYS = 400;

/** A symbol's candles around the report's day, as the store has them. */
export interface SymbolSeries {
  symbol: string;
  /** Daily bars up to and including the day; undefined when neither 1d nor 1h is stored. */
  daily: Candles | undefined;
  /** Where the daily bars came from: the 1d series, or the 1h one aggregated. */
  dailySource: '1d' | '1h' | undefined;
  /** Bars of the chart's timeframe up to the day's end, with the SMA warm-up before the chart. */
  chart: Candles | undefined;
  /** The series the chart's bars came from (a shorter one when aggregated). */
  chartSource: Timeframe | undefined;
}

/** The day before today, UTC: the last complete day. */
export function defaultReportDate(now = Date.now()): string {
  return new Date(now - DAY_MS).toISOString().slice(0, 10);
}

/** Reads each symbol's daily bars and chart bars for the report on `date`. */
export async function loadSymbolSeries(
  store: CandleStore,
  symbol: string,
  date: string,
  timeframe: Timeframe,
): Promise<SymbolSeries> {
  const dayStart = Date.parse(`${date}T00:00:00Z`);
  const dayEnd = dayStart + DAY_MS - 1;
  const dailyFrom = dayStart - DAILY_HISTORY_DAYS * DAY_MS;
  const daily = await firstStored(store, symbol, '1d', ['1d', '1h'], dailyFrom, dayEnd);
  const chartFrom = dayStart + DAY_MS - (CHART_BARS + LONGEST_SMA - 1) * TIMEFRAME_MS[timeframe];
  const chart =
    timeframe === '1d' && daily
      ? daily
      : await firstStored(store, symbol, timeframe, chartSources(timeframe), chartFrom, dayEnd);
  return {
    symbol,
    daily: daily?.candles,
    dailySource: daily?.source as '1d' | '1h' | undefined,
    chart: chart?.candles,
    chartSource: chart?.source,
  };
}

/** The chart's own timeframe first, then 1h aggregated for the longer ones (the demo stores 1h). */
function chartSources(timeframe: Timeframe): Timeframe[] {
  return TIMEFRAME_MS[timeframe] > TIMEFRAME_MS['1h'] ? [timeframe, '1h'] : [timeframe];
}

/**
 * The bars of `timeframe` in [from, to] from the first of `sources` that is stored, aggregated
 * when it is a shorter timeframe; undefined when none is.
 */
async function firstStored(
  store: CandleStore,
  symbol: string,
  timeframe: Timeframe,
  sources: readonly Timeframe[],
  from: number,
  to: number,
): Promise<{ candles: Candles; source: Timeframe } | undefined> {
  for (const source of sources) {
    try {
      const candles = await store.getCandles(symbol, source, from, to);
      return {
        candles: source === timeframe ? candles : aggregateCandles(candles, timeframe),
        source,
      };
    } catch (err) {
      if (!(err instanceof SeriesNotFoundError)) throw err;
    }
  }
  return undefined;
}
