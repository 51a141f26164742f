import type { CandleStore } from '@wadm/market-data';
import type { TaskHandler } from '@wadm/runtime';
import { expandGrid, resolveBacktestSpec, type Costs } from '../engine/index.js';
import { loadSeries } from '../market.js';
import type { EnginePool } from '../sweep/pool.js';
import { withSpecErrors } from './spec-error.js';

const DEFAULT_OBJECTIVE = 'sharpe';

/** `backtest.sweep`: every combination of a parameter grid on the pool's threads, best first. */
export function createSweepHandler(
  store: CandleStore,
  pool: EnginePool,
): TaskHandler<'backtest.sweep'> {
  return async (ctx) => {
    const { params, signal } = ctx;
    const costs: Costs = {
      initialCapital: params.initialCapital,
      feeBps: params.feeBps,
      slippageBps: params.slippageBps,
      allowShort: params.allowShort,
    };
    const strategies = withSpecErrors(() => {
      const expanded = expandGrid(params.strategy.name, params.strategy.grid);
      // The costs and timeframe, checked once here rather than failing in every thread.
      resolveBacktestSpec({ strategy: expanded[0]!, timeframe: params.timeframe, ...costs });
      return expanded;
    });
    const total = strategies.length;
    ctx.progress(0, `loading candles for ${total} combinations`);
    const candles = await loadSeries(store, params);
    const objective = params.objective ?? DEFAULT_OBJECTIVE;
    const top = await pool.sweep({
      candles,
      timeframe: params.timeframe,
      costs,
      strategies,
      objective,
      top: params.top,
      signal,
      onProgress: (done) => ctx.progress(done / total, `${done} of ${total} combinations`),
    });
    return { objective, combinations: total, top };
  };
}
