import {
  aggregateCandles,
  SeriesNotFoundError,
  type CandleStore,
  type Candles,
} from '@wadm/market-data';
import { NonRetryableError } from '@wadm/runtime';

const DAY_MS = 86_400_000;
/** Bars drawn on each symbol's chart. */
export const CHART_BARS = 90;

export interface Bar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** One symbol's day: its daily bar, the change since the close before, and the chart's bars. */
export interface SymbolDay {
  symbol: string;
  /** Undefined when the series has no bar on that day. */
  day:
    | (Bar & {
        /** Close against the previous day's close (or the day's open when there is none). */
        changePct: number;
        range: number;
        rangePct: number;
      })
    | undefined;
  /** Up to {@link CHART_BARS} daily bars ending with the day, oldest first. */
  bars: Bar[];
  /** Where the daily bars came from: the 1d series, or the 1h one aggregated. */
  source: '1d' | '1h';
}

/** The day before today, UTC: the last complete day. */
export function defaultReportDate(now = Date.now()): string {
  return new Date(now - DAY_MS).toISOString().slice(0, 10);
}

/** Reads each symbol's daily bars up to `date` (1d series, else 1h aggregated to days). */
export async function loadDailyData(
  store: CandleStore,
  date: string,
  symbols: readonly string[],
): Promise<SymbolDay[]> {
  const dayStart = Date.parse(`${date}T00:00:00Z`);
  const from = dayStart - CHART_BARS * DAY_MS;
  const out: SymbolDay[] = [];
  for (const [i, symbol] of symbols.entries()) {
    const { candles, source } = await dailyCandles(store, symbol, from, dayStart, i);
    const all = toBars(candles).filter((b) => b.time <= dayStart);
    const bars = all.slice(-CHART_BARS);
    const last = all.at(-1);
    const day = last?.time === dayStart ? last : undefined;
    const previous = day ? all.at(-2) : undefined;
    out.push({
      symbol,
      source,
      bars,
      day: day && {
        ...day,
        changePct: (day.close / (previous?.close ?? day.open) - 1) * 100,
        range: day.high - day.low,
        rangePct: ((day.high - day.low) / day.low) * 100,
      },
    });
  }
  return out;
}

async function dailyCandles(
  store: CandleStore,
  symbol: string,
  from: number,
  dayStart: number,
  index: number,
): Promise<{ candles: Candles; source: '1d' | '1h' }> {
  try {
    return { candles: await store.getCandles(symbol, '1d', from, dayStart), source: '1d' };
  } catch (err) {
    if (!(err instanceof SeriesNotFoundError)) throw err;
  }
  try {
    const hourly = await store.getCandles(symbol, '1h', from, dayStart + DAY_MS - 1);
    return { candles: aggregateCandles(hourly, '1d'), source: '1h' };
  } catch (err) {
    if (!(err instanceof SeriesNotFoundError)) throw err;
    throw new NonRetryableError(`no 1d or 1h candles stored for ${symbol}`, {
      code: err.code,
      cause: err,
      fields: [{ path: `/params/symbols/${index}`, message: 'no candles for this symbol' }],
    });
  }
}

function toBars(c: Candles): Bar[] {
  return Array.from(c.time, (time, i) => ({
    time,
    open: c.open[i] ?? 0,
    high: c.high[i] ?? 0,
    low: c.low[i] ?? 0,
    close: c.close[i] ?? 0,
    volume: c.volume[i] ?? 0,
  }));
}
