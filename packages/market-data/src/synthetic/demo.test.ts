import { describe, expect, it } from 'vitest';
import { aggregateCandles } from './aggregate.js';
import { DEMO_END, DEMO_MARKETS, DEMO_START, demoHourlyCandles, type DemoMarket } from './demo.js';

describe('demo', () => {
  it('demoHourlyCandles - covers 2022 to 2024 by the hour, 26304 bars', () => {
    const hourly = demoHourlyCandles(DEMO_MARKETS[0] as DemoMarket);
    expect(hourly.time.length).toBe(26_304);
    expect(hourly.time[0]).toBe(DEMO_START);
    expect(hourly.time.at(-1)).toBe(DEMO_END - 3_600_000);
  });

  it('demoHourlyCandles - are pinned: results computed on them are reproducible everywhere', () => {
    // If a generator change moves these on purpose, every published demo result moves too.
    const last = DEMO_MARKETS.map((market) => {
      const hourly = demoHourlyCandles(market);
      const daily = aggregateCandles(hourly, '1d');
      return [market.symbol, hourly.close.at(-1), hourly.volume.at(-1), daily.time.length];
    });
    expect(last).toEqual([
      ['BTCUSDT', 70545.12, 4203.2025, 1096],
      ['ETHUSDT', 5203.07, 54821.1589, 1096],
    ]);
  });
});
