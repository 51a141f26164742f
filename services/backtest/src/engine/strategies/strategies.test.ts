import { describe, expect, it } from 'vitest';
import { candlesOf } from '@wadm/analysis/testing';
import { macd } from '@wadm/analysis';
import { resolveStrategy, strategySignals } from './registry.js';
import { BEARISH, BULLISH, crossSignals, Signal } from './signal.js';

const { LONG_ENTRY, LONG_EXIT, SHORT_ENTRY, SHORT_EXIT } = Signal;
const signalsOf = (closes: number[], name: string, params: Record<string, number>) => [
  ...strategySignals(candlesOf(closes), resolveStrategy(name, params)),
];

describe('crossSignals', () => {
  it('crossSignals - needs fast ≤ slow then fast > slow for a bullish cross, and the reverse', () => {
    const fast = Float64Array.from([NaN, 1, 2, 3, 3, 2, 1, 1]);
    const slow = Float64Array.from([NaN, 2, 2, 2, 3, 3, 1, 0]);
    // t=2: equal is not above; t=3: 3 > 2 after 2 <= 2; t=4 equal; t=5: 2 < 3 after 3 >= 3;
    // t=6: equal; t=7: 1 > 0 after 1 <= 1.
    expect([...crossSignals(fast, slow)]).toEqual([0, 0, 0, BULLISH, 0, BEARISH, 0, BULLISH]);
  });

  it('crossSignals - sees no cross out of the warm-up (NaN on either bar)', () => {
    const fast = Float64Array.from([NaN, 3, 1, 3]);
    const slow = Float64Array.from([NaN, NaN, 2, 2]);
    expect([...crossSignals(fast, slow)]).toEqual([0, 0, 0, BULLISH]);
  });
});

describe('strategy signals', () => {
  it('sma_cross - signals where the SMA(2) of closes crosses the SMA(3)', () => {
    // SMA2: –, 10, 10, 9.5, 8.5, 10, 12.5 · SMA3: –, –, 10, 9.67, 9, 9.33, 11
    const closes = [10, 10, 10, 9, 8, 12, 13];
    expect(signalsOf(closes, 'sma_cross', { fast: 2, slow: 3 })).toEqual([
      0,
      0,
      0,
      BEARISH,
      0,
      BULLISH,
      0,
    ]);
  });

  it('rsi_reversion - is bullish below the lower level and bearish above the upper', () => {
    // RSI(2): 100 after two rises, 0 after two falls (TA-Lib's Wilder smoothing).
    const closes = [10, 11, 12, 11, 10, 9];
    const flags = signalsOf(closes, 'rsi_reversion', { period: 2, lower: 30, upper: 70 });
    expect(flags).toEqual([0, 0, BEARISH, 0, BULLISH, BULLISH]);
  });

  it('bollinger_reversion - enters beyond a band and exits past the middle', () => {
    // Period 2, 1 σ: bands = mean ± |a − b| / 2, so the close is always on a band or the middle.
    const closes = [10, 12, 12, 8];
    const flags = signalsOf(closes, 'bollinger_reversion', { period: 2, stddev: 1 });
    // t=1: close 12 = upper band (not above) and above the middle; t=2: close = middle;
    // t=3: 8 = lower band (not below), below the middle.
    expect(flags).toEqual([0, LONG_EXIT, 0, SHORT_EXIT]);
    const wide = signalsOf(closes, 'bollinger_reversion', { period: 2, stddev: 0.5 });
    expect(wide).toEqual([0, LONG_EXIT | SHORT_ENTRY, 0, SHORT_EXIT | LONG_ENTRY]);
  });

  it('donchian_breakout - compares the close with the channel of the previous bars only', () => {
    // Highs and lows equal the closes here.
    const closes = [10, 11, 11, 12, 9, 8];
    const flags = signalsOf(closes, 'donchian_breakout', { entry: 2, exit: 1 });
    // t=1: 11 > high[0]=10 (entry channel needs 2 bars: none yet), exit: 11 > 10 → SHORT_EXIT.
    // t=2: 11 is not above max(10, 11). t=3: 12 > 11 → LONG_ENTRY, SHORT_EXIT.
    // t=4: 9 < min(11, 12) → SHORT_ENTRY, and < low[3] → LONG_EXIT. t=5: 8 < 9 → both again.
    expect(flags).toEqual([
      0,
      SHORT_EXIT,
      0,
      LONG_ENTRY | SHORT_EXIT,
      SHORT_ENTRY | LONG_EXIT,
      SHORT_ENTRY | LONG_EXIT,
    ]);
  });

  it('macd_cross - signals crosses of the MACD line and its signal line', () => {
    const closes = Array.from({ length: 200 }, (_, i) => 100 + 10 * Math.sin(i / 6));
    const flags = signalsOf(closes, 'macd_cross', { fast: 3, slow: 6, signal: 3 });
    const series = macd(Float64Array.from(closes), 3, 6, 3);
    expect(flags).toEqual([...crossSignals(series.macd, series.signal)]);
    // MACD(3, 6, 3) has its first value on bar 7: no cross before bar 8.
    expect(flags.findIndex((f) => f !== 0)).toBeGreaterThanOrEqual(8);
    expect(flags.filter((f) => f === BULLISH).length).toBeGreaterThanOrEqual(4);
    expect(flags.filter((f) => f === BEARISH).length).toBeGreaterThanOrEqual(4);
  });
});
