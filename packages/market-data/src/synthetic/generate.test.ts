import { describe, expect, it } from 'vitest';
import { generateCandles, type SyntheticOptions } from './generate.js';

const OPTIONS: SyntheticOptions = {
  seed: 7,
  start: Date.UTC(2024, 0, 1),
  bars: 20_000,
  timeframe: '1h',
  startPrice: 100,
};

describe('generate', () => {
  it('generateCandles - the same seed gives the same candles, another seed others', () => {
    const a = generateCandles(OPTIONS).candles;
    expect(generateCandles(OPTIONS).candles).toEqual(a);
    expect(generateCandles({ ...OPTIONS, seed: 8 }).candles.close).not.toEqual(a.close);
  });

  it('generateCandles - every bar is sane, opens at the last close, one bar after it', () => {
    const { time, open, high, low, close, volume } = generateCandles(OPTIONS).candles;
    expect(time.length).toBe(OPTIONS.bars);
    for (let i = 0; i < time.length; i++) {
      const o = open[i] as number;
      const c = close[i] as number;
      const ok =
        (high[i] as number) >= Math.max(o, c) &&
        Math.min(o, c) >= (low[i] as number) &&
        (low[i] as number) > 0 &&
        (volume[i] as number) > 0 &&
        time[i] === OPTIONS.start + i * 3_600_000 &&
        (i === 0 || o === close[i - 1]);
      if (!ok) expect.fail(`bar ${i} is not sane`);
    }
  });

  it('generateCandles - alternates trends and ranges; trends travel further', () => {
    const { candles, regimes } = generateCandles(OPTIONS);
    expect(regimes[0]?.start).toBe(0);
    expect(regimes.at(-1)?.end).toBe(OPTIONS.bars);
    regimes.slice(1).forEach((regime, i) => {
      expect(regime.start).toBe(regimes[i]?.end);
      expect(regime.kind).not.toBe(regimes[i]?.kind);
    });
    /** Mean |log(close at end / close at start)| per bar, over regimes of one kind. */
    const travel = (kind: 'trend' | 'range'): number => {
      const own = regimes.filter((r) => r.kind === kind);
      const moves = own.map((r) => {
        const from = candles.close[r.start] as number;
        const to = candles.close[r.end - 1] as number;
        return Math.abs(Math.log(to / from)) / (r.end - r.start);
      });
      return moves.reduce((sum, m) => sum + m, 0) / moves.length;
    };
    expect(travel('trend')).toBeGreaterThan(2 * travel('range'));
  });

  it('generateCandles - rounds prices to the tick without breaking high >= close', () => {
    const { candles } = generateCandles({ ...OPTIONS, bars: 2000, priceDecimals: 0 });
    expect(candles.close.every((c) => Number.isInteger(c))).toBe(true);
    expect(candles.high.every((h, i) => h >= (candles.close[i] as number))).toBe(true);
  });
});
