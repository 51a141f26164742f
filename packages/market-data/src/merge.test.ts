import { describe, expect, it } from 'vitest';
import { allocateCandles, type Candles } from './candles.js';
import { InvalidCandlesError } from './errors.js';
import { mergeCandles, prepareCandles } from './merge.js';

/** Bars at `times` whose close is `close` (open = close; wicks of ±1). */
function bars(times: number[], close: number): Candles {
  const candles = allocateCandles(times.length);
  candles.time.set(times);
  for (const column of ['open', 'close'] as const) candles[column].fill(close);
  candles.high.fill(close + 1);
  candles.low.fill(close - 1);
  return candles;
}

describe('merge', () => {
  it('mergeCandles - interleaves by time; an incoming bar replaces an equal time', () => {
    const { candles, inserted, updated } = mergeCandles(bars([1, 3, 5], 10), bars([2, 3, 6], 20));
    expect(Array.from(candles.time)).toEqual([1, 2, 3, 5, 6]);
    expect(Array.from(candles.close)).toEqual([10, 20, 20, 10, 20]);
    expect(Array.from(candles.high)).toEqual([11, 21, 21, 11, 21]);
    expect({ inserted, updated }).toEqual({ inserted: 2, updated: 1 });
  });

  it('mergeCandles - appends bars that all come after the stored ones', () => {
    const { candles, inserted, updated } = mergeCandles(bars([1, 2], 10), bars([3, 4], 20));
    expect(Array.from(candles.time)).toEqual([1, 2, 3, 4]);
    expect(Array.from(candles.close)).toEqual([10, 10, 20, 20]);
    expect({ inserted, updated }).toEqual({ inserted: 2, updated: 0 });
  });

  it('mergeCandles - a full re-import replaces everything and adds nothing', () => {
    const { candles, inserted, updated } = mergeCandles(bars([1, 2, 3], 10), bars([1, 2, 3], 20));
    expect(Array.from(candles.close)).toEqual([20, 20, 20]);
    expect({ inserted, updated }).toEqual({ inserted: 0, updated: 3 });
  });

  it('prepareCandles - returns sorted input untouched and sorts a copy otherwise', () => {
    const sorted = bars([1, 2, 3], 10);
    expect(prepareCandles(sorted)).toBe(sorted);
    const shuffled = bars([3, 1, 2], 10);
    shuffled.volume.set([30, 10, 20]);
    const prepared = prepareCandles(shuffled);
    expect(Array.from(prepared.time)).toEqual([1, 2, 3]);
    expect(Array.from(prepared.volume)).toEqual([10, 20, 30]);
  });

  it('prepareCandles - refuses repeated times and bad bars, naming them', () => {
    const hour = Date.UTC(2024, 0, 1);
    expect(() => prepareCandles(bars([hour, 5, hour], 10))).toThrow(
      'time 2024-01-01T00:00:00.000Z appears more than once',
    );
    const badLow = bars([1, 2], 10);
    badLow.low[1] = 10.5;
    expect(() => prepareCandles(badLow)).toThrow(InvalidCandlesError);
    expect(() => prepareCandles(badLow)).toThrow('candle 1: low 10.5 is above min(open, close)');
    expect(() => prepareCandles(bars([1.5], 10))).toThrow(/time 1.5 is not a whole number of ms/);
  });
});
