export {
  analyzeHistory,
  type HistoryAnalysis,
  type HistoryOptions,
  type Recent,
} from './analysis/history.js';
export {
  runBacktest,
  resolveBacktestSpec,
  simulateStrategy,
  simulationMetrics,
} from './backtest.js';
export type { BacktestSpec } from './backtest.js';
export { assertCandles, sliceCandles, type Candles } from './candles.js';
export { BacktestSpecError } from './errors.js';
export * from './indicators/index.js';
export { isoTimes } from './iso-time.js';
export { equityMetrics, finiteRatio, tradeMetrics, backtestMetrics } from './metrics.js';
export type { EquityMetrics, TradeMetrics } from './metrics.js';
export { simulate, type Costs, type SimulatedTrade, type Simulation } from './simulate.js';
export { expandGrid, MAX_SWEEP_COMBINATIONS } from './strategies/grid.js';
export {
  resolveStrategy,
  strategyProblems,
  strategySignals,
  STRATEGIES,
  type StrategySpec,
} from './strategies/registry.js';
export { Signal } from './strategies/signal.js';
export { periodsPerYear, TIMEFRAME_MS, YEAR_MS, type Timeframe } from './timeframe.js';
