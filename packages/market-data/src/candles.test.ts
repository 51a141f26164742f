import { describe, expect, it } from 'vitest';
import { allocateCandles, candlesInRange, searchTime } from './candles.js';

describe('candles', () => {
  const times = Float64Array.from([10, 20, 30, 40]);

  it('searchTime - finds the first time >= t, or > t when strict', () => {
    expect([5, 10, 25, 40, 45].map((t) => searchTime(times, t))).toEqual([0, 0, 2, 3, 4]);
    expect([5, 10, 25, 40, 45].map((t) => searchTime(times, t, true))).toEqual([0, 1, 2, 4, 4]);
  });

  it('candlesInRange - keeps from <= time <= to, as views of the same memory', () => {
    const candles = allocateCandles(4);
    candles.time.set(times);
    candles.close.set([1, 2, 3, 4]);
    const range = candlesInRange(candles, 20, 30);
    expect(Array.from(range.time)).toEqual([20, 30]);
    expect(Array.from(range.close)).toEqual([2, 3]);
    expect(range.close.buffer).toBe(candles.close.buffer);
    expect(Array.from(candlesInRange(candles, undefined, 15).time)).toEqual([10]);
    expect(Array.from(candlesInRange(candles, 35).time)).toEqual([40]);
    expect(candlesInRange(candles, 31, 39).time.length).toBe(0);
    expect(candlesInRange(candles, 40, 10).time.length).toBe(0);
  });
});
