import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { TASK_CATALOG, validate, type BacktestSweepResult } from '@wadm/contracts';
import { pollUntil } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandGrid, simulateStrategy, simulationMetrics } from '../../src/engine/index.js';
import { asJson, startService, type ServiceHarness } from './harness.js';

const COSTS = { initialCapital: 10_000, feeBps: 10, slippageBps: 0, allowShort: false };

function range(from: number, to: number, step = 1): number[] {
  return Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);
}

/** CPU time the process (all its threads) has used so far, in clock ticks. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime, stime
}

describe('backtest service - backtest.sweep', () => {
  let h: ServiceHarness;
  beforeAll(async () => {
    h = await startService();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('backtest.sweep - ranks the grid by Sharpe as the engine does, with progress', async () => {
    const grid = { fast: range(5, 50, 5), slow: range(20, 300, 10) };
    const { task, events } = await h.submit('backtest.sweep', {
      symbol: 'ETHUSDT',
      timeframe: '1h',
      strategy: { name: 'sma_cross', grid },
      top: 7,
    });
    const state = await h.finished(task);
    expect(state.status, JSON.stringify(state.error)).toBe('SUCCESS');
    const result = (await h.result(state)) as BacktestSweepResult;
    expect(validate(TASK_CATALOG['backtest.sweep'].result, result)).toEqual([]);

    const candles = await h.store.getCandles('ETHUSDT', '1h');
    const strategies = expandGrid('sma_cross', grid);
    const expected = strategies
      .map((strategy, index) => ({
        index,
        params: strategy.params,
        metrics: simulationMetrics(candles, simulateStrategy(candles, strategy, COSTS), {
          initialCapital: COSTS.initialCapital,
          timeframe: '1h',
        }),
      }))
      .sort((a, b) => b.metrics.sharpe - a.metrics.sharpe || a.index - b.index)
      .slice(0, 7)
      .map(({ params, metrics }) => ({ params, metrics }));
    expect(result).toEqual(
      asJson({ objective: 'sharpe', combinations: strategies.length, top: expected }),
    );
    const midway = events.filter((e) => e.status === 'STARTED' && e.progress > 0 && e.progress < 1);
    expect(midway.length).toBeGreaterThan(0);
    expect(midway[0]?.message).toMatch(new RegExp(`^\\d+ of ${strategies.length} combinations$`));
  });

  it('backtest.sweep - ranks by the objective asked for', async () => {
    const state = await h.run('backtest.sweep', {
      symbol: 'BTCUSDT',
      timeframe: '1d',
      strategy: { name: 'rsi_reversion', grid: { period: [7, 14, 21], lower: [20, 30] } },
      objective: 'totalReturn',
    });
    expect(state.status, JSON.stringify(state.error)).toBe('SUCCESS');
    const result = (await h.result(state)) as BacktestSweepResult;
    expect(result).toMatchObject({ objective: 'totalReturn', combinations: 6 });
    const returns = result.top.map((t) => t.metrics.totalReturn);
    expect(returns).toEqual([...returns].sort((a, b) => b - a));
  });

  it('backtest.sweep - a grid without a valid combination fails at once', async () => {
    const state = await h.run('backtest.sweep', {
      symbol: 'BTCUSDT',
      timeframe: '1d',
      strategy: { name: 'ema_cross', grid: { fast: [50], slow: [10, 20] } },
    });
    expect(state.status).toBe('FAILURE');
    expect(state.attempts).toBe(1);
    expect(state.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      retryable: false,
      fields: [{ path: '/params/strategy/grid' }],
    });
  });

  it('backtest.sweep - cancelled mid-run: REVOKED, threads stopped, next tasks succeed', async () => {
    // About 12 000 combinations: tens of seconds of work on two threads.
    const { task, events } = await h.submit('backtest.sweep', {
      symbol: 'BTCUSDT',
      timeframe: '1h',
      strategy: { name: 'sma_cross', grid: { fast: range(2, 60), slow: range(61, 260) } },
    });
    const running = await pollUntil(
      async () => events.find((e) => e.status === 'STARTED' && e.progress > 0),
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    expect(running, 'no progress event from the sweep').toBeDefined();
    await h.client.cancel(task.owner, task.id);
    const state = await h.finished(task);
    expect(state.status).toBe('REVOKED');

    // Threads still sweeping would burn about two cores; stopped ones use next to nothing.
    if (existsSync(`/proc/${h.service.pid}/stat`)) {
      const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));
      await sleep(500);
      const before = cpuTicks(h.service.pid);
      await sleep(1_500);
      const used = (cpuTicks(h.service.pid) - before) / ticksPerSecond;
      expect(used, `CPU seconds used in 1.5 s after the cancel`).toBeLessThan(0.5);
    }

    const sweep = await h.run('backtest.sweep', {
      symbol: 'BTCUSDT',
      timeframe: '1d',
      strategy: { name: 'donchian_breakout', grid: { entry: [10, 20], exit: [5, 10] } },
    });
    expect(sweep.status, JSON.stringify(sweep.error)).toBe('SUCCESS');
    const run = await h.run('backtest.run', {
      symbol: 'BTCUSDT',
      timeframe: '1d',
      strategy: { name: 'macd_cross' },
    });
    expect(run.status, JSON.stringify(run.error)).toBe('SUCCESS');
  });

  it('backtest.sweep - the service stops cleanly on SIGTERM, pool and store closed', async () => {
    expect(await h.service.stop()).toEqual({ code: 0, signal: null });
    expect(h.service.logs()).toContain('stopped');
  });
});
