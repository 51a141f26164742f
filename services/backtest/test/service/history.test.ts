import { TASK_CATALOG, validate } from '@wadm/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeHistory, type HistoryAnalysis } from '@wadm/analysis';
import { asJson, startService, type ServiceHarness } from './harness.js';

describe('backtest service - analysis.history', () => {
  let h: ServiceHarness;
  beforeAll(async () => {
    h = await startService();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('analysis.history - returns swings, breaks and gaps as the engine computes them', async () => {
    const params = { symbol: 'ETHUSDT', timeframe: '1d', swingLookback: 5 } as const;
    const state = await h.run('analysis.history', params);
    expect(state.status, JSON.stringify(state.error)).toBe('SUCCESS');
    const result = (await h.result(state)) as HistoryAnalysis;
    expect(validate(TASK_CATALOG['analysis.history'].result, result)).toEqual([]);

    const { structure } = result;
    expect(structure.swingLookback).toBe(5);
    expect(structure.swings.items.length).toBeGreaterThan(0);
    expect(structure.breaks.items.length).toBeGreaterThan(0);
    expect(structure.fairValueGaps.total).toBeGreaterThan(0);
    const candles = await h.store.getCandles('ETHUSDT', '1d');
    expect(result).toEqual(asJson(analyzeHistory(candles, params)));
  });

  it('analysis.history - an unknown series fails without a retry', async () => {
    const state = await h.run('analysis.history', { symbol: 'SOLUSDT', timeframe: '1d' });
    expect(state.status).toBe('FAILURE');
    expect(state.error).toMatchObject({ code: 'SERIES_NOT_FOUND', retryable: false });
    expect(state.error?.message).toContain('ETHUSDT 1d');
  });
});
