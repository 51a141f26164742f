import type { CandleStore, SeriesInfo } from '../candle-store.js';
import type { Candles } from '../candles.js';
import { TIMEFRAME_MS, type Timeframe } from '../timeframe.js';
import { aggregateCandles } from './aggregate.js';
import { generateCandles } from './generate.js';

/** Three years of demo data, fixed so every machine gets the same candles and results. */
export const DEMO_START = Date.UTC(2022, 0, 1);
export const DEMO_END = Date.UTC(2025, 0, 1);
export const DEMO_TIMEFRAMES = ['1h', '1d'] as const satisfies readonly Timeframe[];

/** A demo market: its generator settings, priced and sized roughly like the real one. */
export interface DemoMarket {
  symbol: string;
  seed: number;
  startPrice: number;
  volatility: number;
  volume: number;
}

export const DEMO_MARKETS: readonly DemoMarket[] = [
  { symbol: 'BTCUSDT', seed: 20_220_101, startPrice: 46_000, volatility: 0.005, volume: 1_500 },
  { symbol: 'ETHUSDT', seed: 20_220_102, startPrice: 3_700, volatility: 0.0065, volume: 15_000 },
];

/**
 * The hourly demo candles of a market. Longer timeframes are aggregated from these, so the 1d
 * series agrees with the 1h one as a real exchange's would.
 */
export function demoHourlyCandles(market: DemoMarket): Candles {
  return generateCandles({
    seed: market.seed,
    start: DEMO_START,
    bars: (DEMO_END - DEMO_START) / TIMEFRAME_MS['1h'],
    timeframe: '1h',
    startPrice: market.startPrice,
    volatility: market.volatility,
    volume: market.volume,
  }).candles;
}

export interface SeedResult {
  /** Series written by this call. */
  seeded: SeriesInfo[];
  /** Demo series that already existed, imported or seeded before: left as they are. */
  skipped: { symbol: string; timeframe: Timeframe }[];
}

/**
 * Writes the demo series (BTCUSDT and ETHUSDT, 1h and 1d, 2022 to 2024) that the store does not
 * have yet. Safe to run at every start and from several services at once: the data is
 * deterministic and puts merge by time, so a race only rewrites equal bars.
 */
export async function seedDemoData(store: CandleStore): Promise<SeedResult> {
  const existing = await store.listSeries();
  const result: SeedResult = { seeded: [], skipped: [] };
  for (const market of DEMO_MARKETS) {
    const { symbol } = market;
    const present = (timeframe: Timeframe): boolean =>
      existing.some((s) => s.symbol === symbol && s.timeframe === timeframe);
    const missing = DEMO_TIMEFRAMES.filter((timeframe) => !present(timeframe));
    result.skipped.push(
      ...DEMO_TIMEFRAMES.filter(present).map((timeframe) => ({ symbol, timeframe })),
    );
    if (missing.length === 0) continue;
    const hourly = demoHourlyCandles(market);
    for (const timeframe of missing) {
      const candles = timeframe === '1h' ? hourly : aggregateCandles(hourly, timeframe);
      const { total } = await store.putCandles(symbol, timeframe, candles);
      const count = candles.time.length;
      result.seeded.push({
        symbol,
        timeframe,
        from: candles.time[0] as number,
        to: candles.time[count - 1] as number,
        count: total,
      });
    }
  }
  return result;
}
