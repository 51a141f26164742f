import { TASK_CATALOG, validate } from '@wadm/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/engine/index.js';
import { asJson, startService, type ServiceHarness } from './harness.js';

const DEMO_SERIES = ['BTCUSDT 1h', 'BTCUSDT 1d', 'ETHUSDT 1h', 'ETHUSDT 1d'];

describe('backtest service - backtest.run', () => {
  let h: ServiceHarness;
  beforeAll(async () => {
    h = await startService();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('backtest.run - on demo data returns what runBacktest computes in process', async () => {
    const params = {
      symbol: 'BTCUSDT',
      timeframe: '1h',
      from: '2023-01-01T00:00:00Z',
      to: '2023-06-30T23:00:00Z',
      strategy: { name: 'sma_cross', params: { fast: 10, slow: 30 } },
      feeBps: 5,
      slippageBps: 2,
    } as const;
    const state = await h.run('backtest.run', params);
    expect(state.status, JSON.stringify(state.error)).toBe('SUCCESS');
    const result = await h.result(state);
    expect(validate(TASK_CATALOG['backtest.run'].result, result)).toEqual([]);

    const candles = await h.store.getCandles(
      'BTCUSDT',
      '1h',
      Date.parse(params.from),
      Date.parse(params.to),
    );
    const expected = runBacktest(candles, {
      strategy: params.strategy,
      timeframe: '1h',
      initialCapital: 10_000,
      feeBps: 5,
      slippageBps: 2,
      allowShort: false,
    });
    expect(expected.trades.length).toBeGreaterThan(0);
    expect(result).toEqual(asJson(expected));
  });

  it('backtest.run - an unknown symbol fails at once, naming the stored series', async () => {
    const state = await h.run('backtest.run', {
      symbol: 'DOGEUSDT',
      timeframe: '1h',
      strategy: { name: 'sma_cross' },
    });
    expect(state.status).toBe('FAILURE');
    expect(state.attempts).toBe(1);
    expect(state.error).toMatchObject({
      code: 'SERIES_NOT_FOUND',
      retryable: false,
      fields: [{ path: '/params/symbol' }],
    });
    for (const series of DEMO_SERIES) expect(state.error?.message).toContain(series);
  });

  it('backtest.run - a timeframe the symbol lacks points at the timeframe', async () => {
    const state = await h.run('backtest.run', {
      symbol: 'ETHUSDT',
      timeframe: '4h',
      strategy: { name: 'ema_cross' },
    });
    expect(state.error).toMatchObject({
      code: 'SERIES_NOT_FOUND',
      retryable: false,
      fields: [{ path: '/params/timeframe' }],
    });
  });

  it('backtest.run - a range without candles fails with the range the series has', async () => {
    const state = await h.run('backtest.run', {
      symbol: 'BTCUSDT',
      timeframe: '1d',
      from: '2030-01-01T00:00:00Z',
      strategy: { name: 'sma_cross' },
    });
    expect(state.status).toBe('FAILURE');
    expect(state.attempts).toBe(1);
    expect(state.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      retryable: false,
      fields: [{ path: '/params/from' }],
    });
    expect(state.error?.message).toContain('2022-01-01T00:00:00.000Z');
  });

  it('backtest.run - from after to fails without a retry', async () => {
    const state = await h.run('backtest.run', {
      symbol: 'BTCUSDT',
      timeframe: '1d',
      from: '2024-01-01T00:00:00Z',
      to: '2023-01-01T00:00:00Z',
      strategy: { name: 'sma_cross' },
    });
    expect(state.error).toMatchObject({ retryable: false, fields: [{ path: '/params/from' }] });
  });

  it('backtest.run - fast >= slow fails at once with the field path', async () => {
    const state = await h.run('backtest.run', {
      symbol: 'BTCUSDT',
      timeframe: '1d',
      strategy: { name: 'sma_cross', params: { fast: 30, slow: 10 } },
    });
    expect(state.status).toBe('FAILURE');
    expect(state.attempts).toBe(1);
    expect(state.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      retryable: false,
      fields: [
        {
          path: '/params/strategy/params/fast',
          message: expect.stringContaining('less than slow') as unknown,
        },
      ],
    });
  });
});
