import type { BacktestMetrics } from '@wadm/contracts';
import { describe, expect, it } from 'vitest';
import { TopCombinations } from './rank.js';

function metrics(sharpe: number): BacktestMetrics {
  return {
    initialCapital: 1,
    finalEquity: 1,
    totalReturn: 0,
    cagr: 0,
    maxDrawdown: 0,
    sharpe,
    sortino: 0,
    trades: 0,
    winRate: 0,
    profitFactor: 0,
    exposure: 0,
  };
}

function ranked(scores: number[], limit: number, order = scores.map((_, i) => i)): number[] {
  const top = new TopCombinations('sharpe', limit);
  for (const i of order) top.offer(i, { i }, metrics(scores[i]!));
  return top.results().map((r) => r.params['i']!);
}

describe('TopCombinations', () => {
  it('TopCombinations - keeps the best by the objective, highest first', () => {
    expect(ranked([0.5, 2, -1, 1.5, 3], 3)).toEqual([4, 1, 3]);
  });

  it('TopCombinations - ranks NaN and a missing metric after every number', () => {
    expect(ranked([NaN, -5, NaN, 1], 4)).toEqual([3, 1, 0, 2]);
    const top = new TopCombinations('noSuchMetric', 2);
    top.offer(0, { i: 0 }, metrics(1));
    expect(top.results()).toHaveLength(1);
  });

  it('TopCombinations - breaks ties by grid order whatever order results arrive in', () => {
    expect(ranked([1, 1, 2, 1], 3, [3, 1, 2, 0])).toEqual([2, 0, 1]);
  });

  it('TopCombinations - returns fewer than the limit when the grid is smaller', () => {
    expect(ranked([1, 2], 10)).toEqual([1, 0]);
  });
});
