import type { CandleStore } from '@wadm/market-data';
import type { TaskHandler } from '@wadm/runtime';
import { resolveBacktestSpec, runBacktest, type BacktestSpec } from '../engine/index.js';
import { loadSeries } from '../market.js';
import { withSpecErrors } from './spec-error.js';

/**
 * `backtest.run`: one strategy over one series. The engine runs inline: a backtest over a
 * million bars takes tens of milliseconds, less than handing it to a thread would save.
 */
export function createRunHandler(store: CandleStore): TaskHandler<'backtest.run'> {
  return async (ctx) => {
    const { params } = ctx;
    const spec: BacktestSpec = {
      strategy: params.strategy,
      timeframe: params.timeframe,
      initialCapital: params.initialCapital,
      feeBps: params.feeBps,
      slippageBps: params.slippageBps,
      allowShort: params.allowShort,
    };
    // Before the load: a bad strategy fails without reading any candles.
    withSpecErrors(() => resolveBacktestSpec(spec));
    ctx.progress(0, 'loading candles');
    const candles = await loadSeries(store, params);
    ctx.signal.throwIfAborted();
    ctx.progress(0.5, `backtesting ${candles.time.length} bars`);
    const result = withSpecErrors(() => runBacktest(candles, spec));
    ctx.progress(1, 'done');
    return result;
  };
}
