import { candlesOf } from '@wadm/analysis/testing';
import { describe, expect, it } from 'vitest';
import { dayFigures } from './figures.js';
import { highlights } from './highlights.js';
import { daySignals } from './signals.js';
import type { SymbolReport } from './symbol-report.js';

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('dayFigures and daySignals', () => {
  it('dayFigures - a steady rise by 1 % a bar: trend up, RSI 100, MACD above its signal', () => {
    const closes = range(250, (i) => 100 * 1.01 ** i);
    const mean = (values: number[]) => values.reduce((x, y) => x + y, 0) / values.length;
    const f = dayFigures(candlesOf(closes), undefined, '1d');
    expect(f).toMatchObject({ trend: 'up', rsi: 100, smaCross: null, closeCrosses: [] });
    expect(f.changePct).toBeCloseTo(1, 9);
    expect(f.smaFast).toBeCloseTo(mean(closes.slice(-50)), 6);
    expect(f.smaSlow).toBeCloseTo(mean(closes.slice(-200)), 6);
    expect(f.volumeRatio).toBe(1);
    expect(f.volatility).toBeCloseTo(0, 9); // the same return every bar
    expect(f.macd).toMatchObject({ side: 'bullish', cross: null });
    expect(daySignals(f, null)).toEqual(['RSI 100.0 overbought']);
  });

  it('dayFigures - a fall, then a jump: the close crosses both SMAs on the day', () => {
    const closes = [...range(249, (i) => 400 - i), 500];
    const f = dayFigures(candlesOf(closes), undefined, '1d');
    expect(f.closeCrosses).toEqual(['above SMA 50', 'above SMA 200']);
    expect(f.trend).toBe('mixed'); // SMA 50 is still below SMA 200
    expect(daySignals(f, null)).toEqual(
      expect.arrayContaining(['Close crossed above SMA 50', 'Close crossed above SMA 200']),
    );
  });

  it('daySignals - a volume spike and the breaks of structure of the day', () => {
    const candles = candlesOf(range(60, (i) => 100 + (i % 5)));
    candles.volume[59] = 3;
    const f = dayFigures(candles, undefined, '1d');
    expect(f.volumeRatio).toBe(3);
    const breaks = [
      { direction: 'bullish' as const, time: 0, level: 1, swingTime: 0 },
      { direction: 'bullish' as const, time: 1, level: 1, swingTime: 0 },
    ];
    expect(daySignals(f, { swings: [], breaks, gaps: [] })).toEqual([
      'Volume 3.0x its 20-day average',
      '2 bullish breaks of structure',
    ]);
  });

  it('dayFigures - a short history leaves the long figures out rather than guessing', () => {
    const f = dayFigures(candlesOf(range(30, (i) => 100 + i)), undefined, '1d');
    expect(f).toMatchObject({ smaFast: null, smaSlow: null, trend: null, macd: null });
    expect(f.rsi).toBe(100);
    expect(f.volatility).not.toBeNull();
  });

  it('highlights - best, worst and biggest range; the first listed wins a tie', () => {
    const report = (symbol: string, changePct: number, rangePct: number) =>
      ({ symbol, figures: { changePct, rangePct } }) as SymbolReport;
    const [a, b, c] = [report('A', 1, 5), report('B', -2, 5), report('C', 1, 4)];
    expect(highlights([a, b, c])).toEqual({ best: a, worst: b, biggestRange: a });
    expect(highlights([])).toBeUndefined();
  });
});
