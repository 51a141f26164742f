import { BacktestRunResult, validate } from '@wadm/contracts';
import { describe, expect, it } from 'vitest';
import { sliceCandles } from '@wadm/analysis';
import { candlesOf, randomWalkCandles } from '@wadm/analysis/testing';
import { runBacktest, simulateStrategy, type BacktestSpec } from './backtest.js';
import { BacktestSpecError } from './errors.js';
import { resolveStrategy, STRATEGIES, strategySignals } from './strategies/registry.js';

const SPEC: BacktestSpec = {
  strategy: { name: 'sma_cross' },
  timeframe: '1h',
  initialCapital: 10_000,
  feeBps: 10,
  slippageBps: 5,
  allowShort: false,
};
const NAMES = Object.keys(STRATEGIES);
// Short periods so that every strategy trades often over a few thousand bars.
const BUSY_PARAMS: Record<string, Record<string, number>> = {
  sma_cross: { fast: 5, slow: 20 },
  ema_cross: { fast: 5, slow: 20 },
  rsi_reversion: { period: 7, lower: 35, upper: 65 },
  macd_cross: { fast: 6, slow: 13, signal: 5 },
  bollinger_reversion: { period: 10, stddev: 1.5 },
  donchian_breakout: { entry: 10, exit: 5 },
};

describe('runBacktest', () => {
  const candles = randomWalkCandles(3000, 21);

  it.each(NAMES.flatMap((name) => [false, true].map((allowShort) => [name, allowShort] as const)))(
    'runBacktest - gives a result valid against the contract for %s (shorts %s)',
    (name, allowShort) => {
      const spec = { ...SPEC, allowShort, strategy: { name, params: BUSY_PARAMS[name] } };
      const result = runBacktest(candles, spec);
      expect(validate(BacktestRunResult, result)).toEqual([]);
      expect(result.trades.length).toBeGreaterThan(5);
      expect(result.metrics.trades).toBe(result.trades.length);
      expect(result.trades.some((t) => t.side === 'short')).toBe(allowShort);
      const pnl = result.trades.reduce((sum, t) => sum + t.pnl, 0);
      expect(result.metrics.finalEquity).toBeCloseTo(10_000 + pnl, 6);
    },
  );

  it('runBacktest - fills sma_cross signals at the next open with ISO times of the fill bars', () => {
    // SMA(2) crosses SMA(3) down on bar 3, up on bar 5, down on bar 8.
    const closes = [10, 10, 10, 9, 8, 12, 13, 14, 9, 8, 7, 9];
    const opens = [10, 10, 10, 10, 9, 8, 12.5, 13, 14, 9.5, 8, 7];
    const spec = {
      ...SPEC,
      slippageBps: 0,
      strategy: { name: 'sma_cross', params: { fast: 2, slow: 3 } },
    };
    const long = runBacktest(candlesOf(closes, opens), spec);
    const units = 10_000 / (12.5 * 1.001);
    expect(long.trades).toEqual([
      {
        side: 'long',
        entryTime: '2024-01-01T06:00:00.000Z',
        entryPrice: 12.5,
        exitTime: '2024-01-01T09:00:00.000Z',
        exitPrice: 9.5,
        size: units,
        fee: units * 12.5 * 0.001 + units * 9.5 * 0.001,
        pnl: units * (9.5 - 12.5) - units * 12.5 * 0.001 - units * 9.5 * 0.001,
      },
    ]);
    expect(long.metrics.exposure).toBeCloseTo(3 / 12, 12);

    const both = runBacktest(candlesOf(closes, opens), { ...spec, allowShort: true });
    expect(
      both.trades.map((t) => [
        t.side,
        t.entryTime.slice(11, 13),
        t.entryPrice,
        t.exitTime.slice(11, 13),
        t.exitPrice,
      ]),
    ).toEqual([
      ['short', '04', 9, '06', 12.5],
      ['long', '06', 12.5, '09', 9.5],
      ['short', '09', 9.5, '11', 9], // still open after the last bar: closed at its close
    ]);
    expect(both.metrics.exposure).toBeCloseTo(8 / 12, 12);
  });

  it('runBacktest - samples the equity curve evenly, first and last bar included', () => {
    const result = runBacktest(candles, { ...SPEC, equityPoints: 4 });
    const every = runBacktest(candles, { ...SPEC, equityPoints: 3000 }).equity!;
    expect(every).toHaveLength(3000);
    // Bars round(k × 2999 / 3): 0, 1000, 1999, 2999.
    expect(result.equity).toEqual([every[0], every[1000], every[1999], every[2999]]);
    expect(result.equity!.map(([time]) => time)).toEqual([
      '2024-01-01T00:00:00.000Z',
      '2024-02-11T16:00:00.000Z',
      '2024-03-24T07:00:00.000Z',
      '2024-05-04T23:00:00.000Z',
    ]);
    expect(every[0]![1]).toBe(10_000);
    expect(every[2999]![1]).toBe(result.metrics.finalEquity);
    expect(runBacktest(candles, { ...SPEC, equityPoints: 0 }).equity).toBeUndefined();
    expect(runBacktest(candles, SPEC).equity).toHaveLength(1000);
    expect(runBacktest(sliceCandles(candles, 30), SPEC).equity).toHaveLength(30);
  });

  it('runBacktest - keeps the initial capital over no candles', () => {
    const result = runBacktest(sliceCandles(candles, 0), SPEC);
    expect(result.trades).toEqual([]);
    expect(result.metrics).toMatchObject({ finalEquity: 10_000, totalReturn: 0, exposure: 0 });
  });

  it('runBacktest - reports every problem of the spec in one BacktestSpecError', () => {
    const spec = {
      ...SPEC,
      strategy: { name: 'sma_cross', params: { fast: 40 } },
      feeBps: -1,
      timeframe: '2h',
      equityPoints: 1,
    } as unknown as BacktestSpec;
    expect(() => runBacktest(candles, spec)).toThrow(BacktestSpecError);
    try {
      runBacktest(candles, spec);
    } catch (err) {
      expect((err as BacktestSpecError).fields.map((f) => f.path)).toEqual([
        '/strategy/params/fast',
        '/feeBps',
        '/timeframe',
        '/equityPoints',
      ]);
    }
  });

  it('runBacktest - refuses columns of different lengths', () => {
    const ragged = { ...candles, volume: candles.volume.subarray(1) };
    expect(() => runBacktest(ragged, SPEC)).toThrow(RangeError);
  });
});

describe('no look-ahead', () => {
  const candles = randomWalkCandles(1500, 34);
  const cases = NAMES.flatMap((name) =>
    [false, true].map((allowShort) => [name, allowShort] as const),
  );

  it.each(cases)(
    '%s (shorts %s) - appending bars never changes past signals or trades',
    (name, allowShort) => {
      const strategy = resolveStrategy(name, BUSY_PARAMS[name]);
      const costs = { ...SPEC, allowShort };
      const full = simulateStrategy(candles, strategy, costs);
      const fullSignals = strategySignals(candles, strategy);
      for (const length of [40, 333, 800, 1499]) {
        const prefix = sliceCandles(candles, length);
        expect(strategySignals(prefix, strategy)).toEqual(fullSignals.subarray(0, length));
        const partial = simulateStrategy(prefix, strategy, costs);
        // Only a trade closed by the end of the prefix may differ: the final close is not a signal.
        const last = partial.trades.at(-1);
        const settled = last?.exitBar === length - 1 ? partial.trades.slice(0, -1) : partial.trades;
        expect(settled).toEqual(full.trades.slice(0, settled.length));
        expect(partial.equity.subarray(0, length - 1)).toEqual(full.equity.subarray(0, length - 1));
      }
    },
  );
});
