import {
  TIMEFRAMES,
  type BacktestMetrics,
  type BacktestRunResult,
  type FieldError,
  type Trade,
} from '@wadm/contracts';
import {
  assertCandles,
  describeValue,
  isoTimes,
  periodsPerYear,
  TIMEFRAME_MS,
  YEAR_MS,
  type Candles,
  type Timeframe,
} from '@wadm/analysis';
import { BacktestSpecError } from './errors.js';
import { backtestMetrics, equityMetrics, tradeMetrics } from './metrics.js';
import { simulate, type Costs, type SimulatedTrade, type Simulation } from './simulate.js';
import {
  resolveStrategy,
  strategyProblems,
  strategySignals,
  type StrategySpec,
} from './strategies/registry.js';

/** What to backtest: the fields of `backtest.run` params that the engine needs. */
export interface BacktestSpec extends Costs {
  /** Absent parameters take the strategy's defaults. */
  strategy: { name: string; params?: Readonly<Record<string, number>> };
  /** The candles' timeframe: annualises Sharpe and Sortino, and ends the last bar for CAGR. */
  timeframe: Timeframe;
  /**
   * Points of the equity curve in the result, evenly spaced over the bars with the first and last
   * included; 0 leaves the curve out. Metrics always use every bar. @defaultValue 1000
   */
  equityPoints?: number;
}

/**
 * Backtests one strategy over `candles`: a pure function, deterministic, no I/O. Throws a
 * `BacktestSpecError` for an invalid strategy or costs, a RangeError for ragged columns.
 */
export function runBacktest(candles: Candles, spec: BacktestSpec): BacktestRunResult {
  const strategy = resolveBacktestSpec(spec);
  const simulation = simulateStrategy(candles, strategy, spec);
  const metrics = simulationMetrics(candles, simulation, spec);
  const trades = formatTrades(simulation.trades, candles.time);
  const points = spec.equityPoints ?? 1000;
  if (points === 0) return { metrics, trades };
  return { metrics, trades, equity: sampleEquity(candles.time, simulation.equity, points) };
}

/** Validates strategy and costs together: every problem in one `BacktestSpecError`. */
export function resolveBacktestSpec(spec: BacktestSpec): StrategySpec {
  const { name, params = {} } = spec.strategy;
  const problems = [...strategyProblems(name, params), ...specProblems(spec)];
  if (problems.length > 0) throw new BacktestSpecError(problems);
  return resolveStrategy(name, params);
}

/** Signals and fills of an already validated strategy: what a sweep runs per combination. */
export function simulateStrategy(
  candles: Candles,
  strategy: StrategySpec,
  costs: Costs,
): Simulation {
  assertCandles(candles);
  return simulate(candles, strategySignals(candles, strategy), costs);
}

/** The contract's metrics of a simulation over `candles`. */
export function simulationMetrics(
  candles: Candles,
  simulation: Simulation,
  spec: Pick<BacktestSpec, 'initialCapital' | 'timeframe'>,
): BacktestMetrics {
  const { time } = candles;
  const n = time.length;
  const years = n > 0 ? (time[n - 1]! + TIMEFRAME_MS[spec.timeframe] - time[0]!) / YEAR_MS : 0;
  return backtestMetrics(
    spec.initialCapital,
    equityMetrics(simulation.equity, spec.initialCapital, periodsPerYear(spec.timeframe), years),
    tradeMetrics(simulation.trades.map((t) => t.pnl)),
    n > 0 ? simulation.exposedBars / n : 0,
  );
}

function specProblems(spec: BacktestSpec): FieldError[] {
  const { initialCapital, feeBps, slippageBps, allowShort, timeframe, equityPoints = 0 } = spec;
  const rules: [keyof BacktestSpec, boolean, string][] = [
    ['initialCapital', initialCapital > 0 && Number.isFinite(initialCapital), 'a positive number'],
    ['feeBps', feeBps >= 0 && feeBps <= 1000, 'from 0 to 1000'],
    ['slippageBps', slippageBps >= 0 && slippageBps <= 1000, 'from 0 to 1000'],
    ['allowShort', typeof allowShort === 'boolean', 'a boolean'],
    ['timeframe', Object.hasOwn(TIMEFRAME_MS, timeframe), `one of ${TIMEFRAMES.join(', ')}`],
    [
      'equityPoints',
      equityPoints === 0 || (Number.isInteger(equityPoints) && equityPoints >= 2),
      '0 or an integer from 2',
    ],
  ];
  return rules
    .filter(([, ok]) => !ok)
    .map(([field, , rule]) => ({
      path: `/${field}`,
      message: `must be ${rule}, got ${describeValue(spec[field])}`,
    }));
}

/** The contract's trades, every time formatted in one batch (see `isoTimes`). */
function formatTrades(trades: SimulatedTrade[], time: Float64Array): Trade[] {
  const fillTimes = new Float64Array(2 * trades.length);
  trades.forEach((t, i) => {
    fillTimes[2 * i] = time[t.entryBar]!;
    fillTimes[2 * i + 1] = time[t.exitBar]!;
  });
  const iso = isoTimes(fillTimes);
  return trades.map((t, i) => ({
    side: t.direction > 0 ? 'long' : 'short',
    entryTime: iso[2 * i]!,
    entryPrice: t.entryPrice,
    exitTime: iso[2 * i + 1]!,
    exitPrice: t.exitPrice,
    size: t.size,
    fee: t.fee,
    pnl: t.pnl,
  }));
}

/** `points` evenly spaced [time, equity] pairs, the first and last bar included. */
function sampleEquity(
  time: Float64Array,
  equity: Float64Array,
  points: number,
): [string, number][] {
  const n = equity.length;
  const bars =
    n <= points
      ? Array.from({ length: n }, (_, i) => i)
      : Array.from({ length: points }, (_, k) => Math.round((k * (n - 1)) / (points - 1)));
  const iso = isoTimes(bars.map((bar) => time[bar]!));
  return bars.map((bar, i) => [iso[i]!, equity[bar]!]);
}
