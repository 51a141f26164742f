export {
  runBacktest,
  resolveBacktestSpec,
  simulateStrategy,
  simulationMetrics,
} from './backtest.js';
export type { BacktestSpec } from './backtest.js';
export { BacktestSpecError } from './errors.js';
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
