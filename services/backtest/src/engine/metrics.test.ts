import { describe, expect, it } from 'vitest';
import { equityMetrics, finiteRatio, tradeMetrics } from './metrics.js';

const curve = (...values: number[]) => Float64Array.from(values);

describe('equityMetrics', () => {
  it('equityMetrics - computes return, drawdown, Sharpe and Sortino of a hand-made curve', () => {
    // Returns from the initial 100: 0, +10 %, −10 %, +21.2121… %.
    const m = equityMetrics(curve(100, 110, 99, 120), 100, 1, 1);
    const returns = [0, 0.1, -0.1, 120 / 99 - 1];
    const mean = returns.reduce((a, b) => a + b) / 4;
    const sd = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / 3);
    expect(m.finalEquity).toBe(120);
    expect(m.totalReturn).toBeCloseTo(0.2, 12);
    expect(m.cagr).toBeCloseTo(0.2, 12);
    expect(m.maxDrawdown).toBeCloseTo(0.1, 12); // 110 → 99
    expect(m.sharpe).toBeCloseTo(mean / sd, 12);
    expect(m.sortino).toBeCloseTo(mean / Math.sqrt(0.01 / 4), 12);
  });

  it('equityMetrics - annualises by √periodsPerYear and compounds CAGR over the years', () => {
    const once = equityMetrics(curve(100, 110, 99, 120), 100, 1, 2);
    const yearly = equityMetrics(curve(100, 110, 99, 120), 100, 365, 2);
    expect(yearly.sharpe).toBeCloseTo(once.sharpe * Math.sqrt(365), 10);
    expect(yearly.sortino).toBeCloseTo(once.sortino * Math.sqrt(365), 10);
    expect(once.cagr).toBeCloseTo(Math.sqrt(1.2) - 1, 12);
  });

  it('equityMetrics - measures the drawdown from the initial capital and the deepest fall', () => {
    expect(equityMetrics(curve(90, 95, 80, 100), 100, 1, 1).maxDrawdown).toBeCloseTo(0.2, 12);
    expect(equityMetrics(curve(100, 200, 150, 300, 120), 100, 1, 1).maxDrawdown).toBeCloseTo(
      0.6,
      12,
    );
  });

  it('equityMetrics - reports 0 for ratios without variation and a huge Sortino without loss', () => {
    const flat = equityMetrics(curve(100, 100, 100), 100, 365, 1);
    expect(flat).toEqual({
      finalEquity: 100,
      totalReturn: 0,
      cagr: 0,
      maxDrawdown: 0,
      sharpe: 0,
      sortino: 0,
    });
    const rising = equityMetrics(curve(100, 101, 103), 100, 365, 1);
    expect(rising.sortino).toBe(Number.MAX_VALUE);
    expect(rising.sharpe).toBeGreaterThan(0);
  });

  it('equityMetrics - reports a CAGR of −1 once the equity is gone', () => {
    const m = equityMetrics(curve(100, 50, -20), 100, 1, 1);
    expect(m.cagr).toBe(-1);
    expect(m.totalReturn).toBeCloseTo(-1.2, 12);
    expect(m.maxDrawdown).toBeCloseTo(1.2, 12);
    expect(Number.isFinite(m.sharpe) && Number.isFinite(m.sortino)).toBe(true);
  });

  it('equityMetrics - keeps an empty curve at the initial capital', () => {
    expect(equityMetrics(curve(), 100, 365, 0)).toEqual({
      finalEquity: 100,
      totalReturn: 0,
      cagr: 0,
      maxDrawdown: 0,
      sharpe: 0,
      sortino: 0,
    });
  });
});

describe('tradeMetrics', () => {
  it('tradeMetrics - counts wins (P&L > 0) and divides gross profit by gross loss', () => {
    expect(tradeMetrics([10, -5, 0, 20, -10])).toEqual({
      trades: 5,
      winRate: 0.4,
      profitFactor: 2,
    });
  });

  it('tradeMetrics - reports 0 without trades and a huge profit factor without losses', () => {
    expect(tradeMetrics([])).toEqual({ trades: 0, winRate: 0, profitFactor: 0 });
    expect(tradeMetrics([5, 1])).toEqual({ trades: 2, winRate: 1, profitFactor: Number.MAX_VALUE });
    expect(tradeMetrics([-5])).toEqual({ trades: 1, winRate: 0, profitFactor: 0 });
  });
});

describe('finiteRatio', () => {
  it('finiteRatio - maps 0/0 to 0 and ±x/0 or overflow to ±Number.MAX_VALUE', () => {
    expect(finiteRatio(0, 0)).toBe(0);
    expect(finiteRatio(1, 0)).toBe(Number.MAX_VALUE);
    expect(finiteRatio(-1, 0)).toBe(-Number.MAX_VALUE);
    expect(finiteRatio(1e308, 1e-10)).toBe(Number.MAX_VALUE);
    expect(finiteRatio(3, 4)).toBe(0.75);
  });
});
