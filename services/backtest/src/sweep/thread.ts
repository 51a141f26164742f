import type { BacktestMetrics } from '@wadm/contracts';
import {
  analyzeHistory,
  type HistoryAnalysis,
  type HistoryOptions,
  type Timeframe,
} from '@wadm/analysis';
import {
  simulateStrategy,
  simulationMetrics,
  type Costs,
  type StrategySpec,
} from '../engine/index.js';
import { candleViews, type SharedCandles } from './shared-candles.js';

/** Some combinations of a sweep: one piscina task. */
export interface SweepChunk {
  candles: SharedCandles;
  timeframe: Timeframe;
  costs: Costs;
  /** Already validated by `expandGrid`, so the engine cannot refuse them here. */
  strategies: StrategySpec[];
}

/** The metrics of each strategy of the chunk, in its order. */
export function sweepChunk(chunk: SweepChunk): BacktestMetrics[] {
  const candles = candleViews(chunk.candles);
  const { costs, timeframe } = chunk;
  return chunk.strategies.map((strategy) =>
    simulationMetrics(candles, simulateStrategy(candles, strategy, costs), {
      initialCapital: costs.initialCapital,
      timeframe,
    }),
  );
}

/** One `analysis.history`: options checked by the task's params schema, as strict as the engine. */
export interface HistoryTask {
  candles: SharedCandles;
  options: HistoryOptions;
}

export function history(task: HistoryTask): HistoryAnalysis {
  return analyzeHistory(candleViews(task.candles), task.options);
}
