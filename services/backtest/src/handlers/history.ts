import type { CandleStore } from '@wadm/market-data';
import type { TaskHandler } from '@wadm/runtime';
import { loadSeries } from '../market.js';
import type { EnginePool } from '../sweep/pool.js';

/**
 * `analysis.history`: returns, volatility, drawdowns and market structure of one series. It runs
 * on a thread: over a million bars the analysis takes about a second.
 */
export function createHistoryHandler(
  store: CandleStore,
  pool: EnginePool,
): TaskHandler<'analysis.history'> {
  return async (ctx) => {
    const { params } = ctx;
    ctx.progress(0, 'loading candles');
    const candles = await loadSeries(store, params);
    ctx.progress(0.5, `analysing ${candles.time.length} bars`);
    // The engine's HistoryAnalysis must stay assignable to the catalog's result schema.
    return pool.history(
      candles,
      { timeframe: params.timeframe, swingLookback: params.swingLookback },
      ctx.signal,
    );
  };
}
