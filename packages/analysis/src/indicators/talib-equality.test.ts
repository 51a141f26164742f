import { describe, expect, it } from 'vitest';
import {
  candlesWithFlatRuns,
  noiseCandles,
  randomWalkCandles,
  vCandles,
} from '../testing/candles.js';
import { talibColumn, talibColumns } from '../../test/talib.js';
import type { Candles } from '../candles.js';
import { atr, bollinger, donchian, ema, macd, rollingMax, rollingMin, rsi, sma } from './index.js';

const DATASETS: [string, Candles][] = [
  ['random walk', randomWalkCandles(3000, 11)],
  ['noise', noiseCandles(3000, 12)],
  ['flat runs', candlesWithFlatRuns(3000, 13)],
  ['V-shaped', vCandles(3000)],
];
const PERIODS = [2, 3, 5, 14, 20, 50, 200];

/**
 * Same warm-up (NaN exactly where TA-Lib has no value) and values within 1e-9 relative. In
 * practice the engine adds in TA-Lib's order and matches it bit for bit, but the contract only
 * promises TA-Lib's values, not its rounding.
 */
function expectTalib(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  const lead = expected.findIndex((v) => !Number.isNaN(v));
  expect(actual.findIndex((v) => !Number.isNaN(v))).toBe(lead);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      expect([i, a]).toEqual([i, e]);
    } else if (Math.abs(a - e) > 1e-9 * Math.max(1, Math.abs(e))) {
      expect.fail(`index ${i}: got ${a}, TA-Lib ${e}`);
    }
  }
}

describe.each(DATASETS)('indicators on %s data', (_, c) => {
  const inReal = { inReal: c.close };
  const hlc = { high: c.high, low: c.low, close: c.close };

  it.each(PERIODS)('SMA - equals TA-Lib with period %i', (period) => {
    expectTalib(sma(c.close, period), talibColumn('SMA', inReal, { optInTimePeriod: period }));
  });

  it.each(PERIODS)('EMA - equals TA-Lib with period %i', (period) => {
    expectTalib(ema(c.close, period), talibColumn('EMA', inReal, { optInTimePeriod: period }));
  });

  it.each(PERIODS)('RSI - equals TA-Lib with period %i', (period) => {
    expectTalib(rsi(c.close, period), talibColumn('RSI', inReal, { optInTimePeriod: period }));
  });

  it.each([1, ...PERIODS])('ATR - equals TA-Lib with period %i', (period) => {
    expectTalib(
      atr(c.high, c.low, c.close, period),
      talibColumn('ATR', hlc, { optInTimePeriod: period }),
    );
  });

  it.each(
    PERIODS.flatMap((period) => [0.5, 2, 3].map((deviations) => [period, deviations] as const)),
  )('Bollinger - equals TA-Lib BBANDS (SMA) with period %i and %f deviations', (period, k) => {
    const expected = talibColumns('BBANDS', inReal, {
      optInTimePeriod: period,
      optInNbDevUp: k,
      optInNbDevDn: k,
      optInMAType: 0,
    });
    const bands = bollinger(c.close, period, k);
    expectTalib(bands.upper, expected['outRealUpperBand']!);
    expectTalib(bands.middle, expected['outRealMiddleBand']!);
    expectTalib(bands.lower, expected['outRealLowerBand']!);
  });

  it.each([
    [12, 26, 9],
    [5, 35, 5],
    [2, 3, 2],
    [8, 17, 9],
    [26, 12, 9],
    [20, 20, 4],
  ])('MACD - equals TA-Lib with fast %i, slow %i, signal %i', (fast, slow, signal) => {
    const expected = talibColumns('MACD', inReal, {
      optInFastPeriod: fast,
      optInSlowPeriod: slow,
      optInSignalPeriod: signal,
    });
    const series = macd(c.close, fast, slow, signal);
    expectTalib(series.macd, expected['outMACD']!);
    expectTalib(series.signal, expected['outMACDSignal']!);
    expectTalib(series.histogram, expected['outMACDHist']!);
  });

  it.each(PERIODS)('Donchian - bands equal TA-Lib MAX of highs and MIN of lows, period %i', (p) => {
    const channel = donchian(c.high, c.low, p);
    const upper = talibColumn('MAX', { inReal: c.high }, { optInTimePeriod: p });
    const lower = talibColumn('MIN', { inReal: c.low }, { optInTimePeriod: p });
    expectTalib(channel.upper, upper);
    expectTalib(channel.lower, lower);
    expectTalib(
      channel.middle,
      upper.map((u, i) => (u + lower[i]!) / 2),
    );
    expectTalib(rollingMax(c.high, p), upper);
    expectTalib(rollingMin(c.low, p), lower);
  });
});

describe('indicators on short inputs', () => {
  const c = randomWalkCandles(60, 5);
  // Lengths around each warm-up: no value, exactly one value, a few.
  it.each([0, 1, 13, 14, 15, 16, 40])('every indicator - matches TA-Lib on %i bars', (n) => {
    const close = c.close.subarray(0, n);
    const high = c.high.subarray(0, n);
    const low = c.low.subarray(0, n);
    const nan = new Float64Array(n).fill(NaN);
    const ta = (
      name: string,
      inputs: Record<string, Float64Array>,
      opts: Record<string, number>,
    ) => (n === 0 ? {} : talibColumns(name, inputs, opts));
    const col = (out: Record<string, Float64Array>, key: string) => out[key] ?? nan;
    expectTalib(
      sma(close, 14),
      col(ta('SMA', { inReal: close }, { optInTimePeriod: 14 }), 'outReal'),
    );
    expectTalib(
      ema(close, 14),
      col(ta('EMA', { inReal: close }, { optInTimePeriod: 14 }), 'outReal'),
    );
    expectTalib(
      rsi(close, 14),
      col(ta('RSI', { inReal: close }, { optInTimePeriod: 14 }), 'outReal'),
    );
    expectTalib(
      atr(high, low, close, 14),
      col(ta('ATR', { high, low, close }, { optInTimePeriod: 14 }), 'outReal'),
    );
    expectTalib(
      bollinger(close, 14, 2).upper,
      col(
        ta(
          'BBANDS',
          { inReal: close },
          { optInTimePeriod: 14, optInNbDevUp: 2, optInNbDevDn: 2, optInMAType: 0 },
        ),
        'outRealUpperBand',
      ),
    );
    expectTalib(
      donchian(high, low, 14).lower,
      col(ta('MIN', { inReal: low }, { optInTimePeriod: 14 }), 'outReal'),
    );
    expectTalib(
      macd(close, 3, 8, 6).signal,
      col(
        ta(
          'MACD',
          { inReal: close },
          { optInFastPeriod: 3, optInSlowPeriod: 8, optInSignalPeriod: 6 },
        ),
        'outMACDSignal',
      ),
    );
  });
});

describe('indicator warm-up', () => {
  const close = randomWalkCandles(100, 3).close;
  const firstValue = (values: Float64Array) => values.findIndex((v) => !Number.isNaN(v));

  it('every indicator - is NaN before its first value, at TA-Lib lookback', () => {
    expect(firstValue(sma(close, 10))).toBe(9);
    expect(firstValue(ema(close, 10))).toBe(9);
    expect(firstValue(rsi(close, 10))).toBe(10);
    expect(firstValue(atr(close, close, close, 10))).toBe(10);
    expect(firstValue(bollinger(close, 10, 2).lower)).toBe(9);
    expect(firstValue(macd(close, 12, 26, 9).macd)).toBe(33);
    expect(firstValue(donchian(close, close, 10).middle)).toBe(9);
  });

  it('every indicator - refuses a period below its minimum or not an integer', () => {
    expect(() => sma(close, 0)).toThrow(RangeError);
    expect(() => ema(close, 2.5)).toThrow(/EMA period must be an integer/);
    expect(() => rsi(close, 1)).toThrow(RangeError);
    expect(() => bollinger(close, 20, Number.NaN)).toThrow(RangeError);
    expect(() => macd(close, 12, 26, 0)).toThrow(RangeError);
    expect(() => donchian(close, close, 100_001)).toThrow(RangeError);
  });
});
