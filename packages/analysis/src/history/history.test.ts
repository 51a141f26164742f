import { describe, expect, it } from 'vitest';
import { candlesOf, HOUR_MS, randomWalkCandles, START_MS } from '../testing/candles.js';
import { AnalysisOptionsError } from '../errors.js';
import { drawdownEpisodes } from './drawdowns.js';
import { analyzeHistory } from './history.js';
import { returnDistribution } from './returns.js';
import { fairValueGaps, structureBreaks, swingPoints } from './structure.js';
import { periodStart, volatilityByPeriod } from './volatility.js';

const f64 = (...values: number[]) => Float64Array.from(values);

describe('returnDistribution', () => {
  it('returnDistribution - describes hand-made returns of +10 %, −10 % and 0', () => {
    const d = returnDistribution(f64(100, 110, 99, 99));
    expect(d.count).toBe(3);
    expect(d.mean).toBeCloseTo(0, 15);
    expect(d.stdev).toBeCloseTo(0.1, 12);
    expect(d.skewness).toBeCloseTo(0, 12);
    expect(d.excessKurtosis).toBeCloseTo(1.5 - 3, 12); // m4/m2² = (2e-4/3)/(2e-2/3)² = 1.5
    expect([d.min, d.max]).toEqual([expect.closeTo(-0.1, 12), expect.closeTo(0.1, 12)]);
    expect(d.percentiles['p50']).toBe(0);
    expect(d.percentiles['p25']).toBeCloseTo(-0.05, 12);
  });

  it('returnDistribution - bins returns by equal widths, the maximum in the last bin', () => {
    // Returns +50 %, −50 %, 0, +100 %: exact in binary, so the bin edges are too.
    const d = returnDistribution(f64(100, 150, 75, 75, 150), 3);
    expect(d.histogram).toEqual([
      { from: -0.5, to: 0, count: 1 },
      { from: 0, to: 0.5, count: 1 },
      { from: 0.5, to: 1, count: 2 },
    ]);
  });

  it('returnDistribution - gives zeros without returns', () => {
    expect(returnDistribution(f64(100))).toMatchObject({ count: 0, stdev: 0, histogram: [] });
  });
});

describe('drawdownEpisodes', () => {
  it('drawdownEpisodes - finds each fall from a peak to its trough, deepest first', () => {
    const close = f64(100, 120, 90, 110, 130, 125, 100, 105);
    expect(drawdownEpisodes(close)).toEqual([
      { peakBar: 1, troughBar: 2, recoveryBar: 4, depth: 0.25 },
      { peakBar: 4, troughBar: 6, recoveryBar: null, depth: 30 / 130 },
    ]);
    expect(drawdownEpisodes(close, 1)).toHaveLength(1);
    expect(drawdownEpisodes(f64(1, 2, 3))).toEqual([]);
  });
});

describe('volatilityByPeriod', () => {
  it('periodStart - starts days at 00:00 UTC, weeks on Monday and months on the 1st', () => {
    const wednesday = Date.UTC(2024, 0, 17, 15, 30);
    expect(periodStart(wednesday, 'day')).toBe(Date.UTC(2024, 0, 17));
    expect(periodStart(wednesday, 'week')).toBe(Date.UTC(2024, 0, 15));
    expect(periodStart(Date.UTC(2024, 0, 21, 23), 'week')).toBe(Date.UTC(2024, 0, 15)); // Sunday
    expect(periodStart(wednesday, 'month')).toBe(Date.UTC(2024, 0, 1));
  });

  it('volatilityByPeriod - groups returns by the day of their later bar', () => {
    // 24 hourly bars on 2024-01-01 and 2 on 2024-01-02; the first day's returns alternate ±1 %.
    const closes = [100];
    for (let i = 1; i < 26; i++) closes.push(closes[i - 1]! * (i % 2 === 1 ? 1.01 : 0.99));
    const c = candlesOf(closes);
    const rows = volatilityByPeriod(c.time, c.close, 'day', 365 * 24);
    expect(rows.map((r) => [r.start, r.returns])).toEqual([
      [START_MS, 23],
      [START_MS + 24 * HOUR_MS, 2],
    ]);
    expect(rows[0]!.change).toBeCloseTo(closes[23]! / 100 - 1, 12);
    expect(rows[1]!.change).toBeCloseTo(closes[25]! / closes[23]! - 1, 12);
    const sd = Math.sqrt((12 * (0.01 - 1 / 2300) ** 2 + 11 * (-0.01 - 1 / 2300) ** 2) / 22);
    expect(rows[0]!.annualisedVolatility).toBeCloseTo(sd * Math.sqrt(365 * 24), 10);
  });
});

describe('market structure', () => {
  it('swingPoints - marks highs above their neighbours, the first of equal ones only', () => {
    const high = f64(1, 3, 2, 5, 4, 4, 1);
    const low = f64(0, 2, 1, 4, 3, 3, 0);
    expect(swingPoints(high, low, 1)).toEqual([
      { kind: 'high', bar: 1, price: 3, confirmedBar: 2 },
      { kind: 'low', bar: 2, price: 1, confirmedBar: 3 },
      { kind: 'high', bar: 3, price: 5, confirmedBar: 4 },
      { kind: 'low', bar: 4, price: 3, confirmedBar: 5 },
    ]);
  });

  it('structureBreaks - breaks only a swing confirmed by the breaking close, and once', () => {
    const swings = [
      { kind: 'high' as const, bar: 1, price: 10, confirmedBar: 3 },
      { kind: 'low' as const, bar: 4, price: 5, confirmedBar: 6 },
    ];
    // Bar 2 closes above 10 before the swing is confirmed; bar 3 confirms and breaks it.
    const close = f64(8, 9, 11, 12, 7, 6, 6, 4, 3, 13);
    expect(structureBreaks(close, swings)).toEqual([
      { direction: 'bullish', bar: 3, level: 10, swingBar: 1 },
      { direction: 'bearish', bar: 7, level: 5, swingBar: 4 },
    ]);
  });

  it('fairValueGaps - finds three-candle gaps and the bar that fills each', () => {
    const high = f64(10, 12, 15, 14, 13, 9, 8, 12);
    const low = f64(9, 10, 11, 12, 10, 7, 6, 7);
    // Bar 2: low 11 > high[0] 10, bullish [10, 11], filled at bar 4 (low 10).
    // Bar 5: high 9 < low[3] 12, bearish [9, 12]; bar 6: high 8 < low[4] 10, bearish [8, 10].
    // Bar 7 (high 12) fills both bearish gaps.
    expect(fairValueGaps(high, low)).toEqual([
      { direction: 'bullish', bar: 2, bottom: 10, top: 11, filledBar: 4 },
      { direction: 'bearish', bar: 5, bottom: 9, top: 12, filledBar: 7 },
      { direction: 'bearish', bar: 6, bottom: 8, top: 10, filledBar: 7 },
    ]);
  });
});

describe('analyzeHistory', () => {
  const candles = randomWalkCandles(3000, 17);

  it('analyzeHistory - describes a series in plain JSON with ISO times', () => {
    const result = analyzeHistory(candles, { timeframe: '1h', swingLookback: 3, maxItems: 50 });
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    expect(result).toMatchObject({
      bars: 3000,
      from: '2024-01-01T00:00:00.000Z',
      to: '2024-05-04T23:00:00.000Z',
      volatility: { period: 'day', rows: { total: 125 } },
    });
    expect(result.returns.count).toBe(2999);
    expect(result.drawdowns).toHaveLength(10);
    const { swings, breaks, fairValueGaps: gaps } = result.structure;
    for (const list of [swings, breaks, gaps, result.volatility.rows]) {
      expect(list.items.length).toBe(Math.min(50, list.total));
    }
    expect(swings.total).toBeGreaterThan(100);
    expect(breaks.total).toBeGreaterThan(10);
    expect(gaps.total).toBeGreaterThan(gaps.unfilled);
    expect(swings.items.at(-1)!.time < result.to!).toBe(true);
  });

  it('analyzeHistory - refuses a bad swing lookback or timeframe', () => {
    expect(() => analyzeHistory(candles, { timeframe: '1h', swingLookback: 0 })).toThrow(
      AnalysisOptionsError,
    );
    expect(() => analyzeHistory(candles, { timeframe: '3h' as '1h' })).toThrow(/timeframe/);
  });

  it('analyzeHistory - handles an empty series', () => {
    const empty = randomWalkCandles(0, 1);
    expect(analyzeHistory(empty, { timeframe: '1d' })).toMatchObject({
      bars: 0,
      from: null,
      to: null,
    });
  });
});
