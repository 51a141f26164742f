import type { BacktestMetrics } from '@wadm/contracts';

/**
 * `num / den` as a finite JSON number. The contract's numbers must be finite, so where the ratio
 * is undefined (0 / 0: no trades, no variation) it is 0, and where it is unbounded (x / 0, or an
 * overflow) it is ±`Number.MAX_VALUE`, which still sorts above every real figure in a sweep.
 */
export function finiteRatio(num: number, den: number): number {
  const value = num / den;
  if (Number.isNaN(value)) return 0;
  return Math.max(-Number.MAX_VALUE, Math.min(Number.MAX_VALUE, value));
}

export interface EquityMetrics {
  finalEquity: number;
  totalReturn: number;
  cagr: number;
  maxDrawdown: number;
  sharpe: number;
  sortino: number;
}

/**
 * Metrics of an equity curve marked at each close.
 *
 * - `totalReturn` = final / initial − 1; `cagr` = (final / initial)^(1 / years) − 1, −1 once the
 *   equity is gone; `years` is the span from the first bar's open to the last bar's close.
 * - `maxDrawdown` is the deepest fall from a running peak (the initial capital included), as a
 *   positive fraction: 0.25 for a fall of 25 %.
 * - Returns are close-to-close, r_t = E_t / E_{t−1} − 1, the first from the initial capital.
 *   `sharpe` = mean(r) / sd(r) × √periodsPerYear with the sample standard deviation;
 *   `sortino` = mean(r) / dd × √periodsPerYear with the downside deviation
 *   dd = √(Σ min(r, 0)² / N). Risk-free rate 0. See `finiteRatio` for zero denominators.
 */
export function equityMetrics(
  equity: Float64Array,
  initialCapital: number,
  periodsPerYear: number,
  years: number,
): EquityMetrics {
  const n = equity.length;
  const finalEquity = n > 0 ? equity[n - 1]! : initialCapital;
  const growth = finalEquity / initialCapital;
  let peak = initialCapital;
  let maxDrawdown = 0;
  let previous = initialCapital;
  let sum = 0;
  let squares = 0;
  let downside = 0;
  for (let t = 0; t < n; t++) {
    const e = equity[t]!;
    if (e > peak) peak = e;
    else if (peak - e > maxDrawdown * peak) maxDrawdown = (peak - e) / peak;
    // Flat bars (no position) add a return of 0: nothing to sum. A short can take equity to
    // zero or below, where a return has no meaning: those count as flat too.
    if (e !== previous && previous > 0) {
      const r = e / previous - 1;
      sum += r;
      squares += r * r;
      if (r < 0) downside += r * r;
    }
    previous = e;
  }
  const mean = n > 0 ? sum / n : 0;
  // One pass, Σr² − n·mean²: bar returns have a mean far below their deviation, so the
  // subtraction cancels no digits that matter (and it cannot go below 0 by more than rounding).
  const variance = n > 1 ? Math.max(0, (squares - n * mean * mean) / (n - 1)) : 0;
  const annualise = Math.sqrt(periodsPerYear);
  const sd = Math.sqrt(variance);
  const dd = n > 0 ? Math.sqrt(downside / n) : 0;
  return {
    finalEquity,
    totalReturn: growth - 1,
    cagr: growth <= 0 ? -1 : years > 0 ? finiteRatio(Math.pow(growth, 1 / years), 1) - 1 : 0,
    maxDrawdown,
    sharpe: finiteRatio(mean * annualise, sd),
    sortino: finiteRatio(mean * annualise, dd),
  };
}

export interface TradeMetrics {
  trades: number;
  /** Share of trades with a positive P&L. */
  winRate: number;
  /** Gross profit / gross loss. */
  profitFactor: number;
}

export function tradeMetrics(pnls: readonly number[]): TradeMetrics {
  let wins = 0;
  let profit = 0;
  let loss = 0;
  for (const pnl of pnls) {
    if (pnl > 0) {
      wins++;
      profit += pnl;
    } else {
      loss -= pnl;
    }
  }
  return {
    trades: pnls.length,
    winRate: finiteRatio(wins, pnls.length),
    profitFactor: finiteRatio(profit, loss),
  };
}

/** Every metric of the contract, in its field order. */
export function backtestMetrics(
  initialCapital: number,
  equity: EquityMetrics,
  trades: TradeMetrics,
  exposure: number,
): BacktestMetrics {
  return {
    initialCapital,
    finalEquity: equity.finalEquity,
    totalReturn: equity.totalReturn,
    cagr: equity.cagr,
    maxDrawdown: equity.maxDrawdown,
    sharpe: equity.sharpe,
    sortino: equity.sortino,
    trades: trades.trades,
    winRate: trades.winRate,
    profitFactor: trades.profitFactor,
    exposure,
  };
}
