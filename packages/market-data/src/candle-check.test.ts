import { describe, expect, it } from 'vitest';
import { checkCandle } from './candle-check.js';

const T = Date.UTC(2024, 0, 1);

describe('candle-check', () => {
  it('checkCandle - accepts a sane bar, including a flat one with zero volume', () => {
    expect(checkCandle(T, 10, 12, 9, 11, 5)).toBeUndefined();
    expect(checkCandle(T, 10, 10, 10, 10, 0)).toBeUndefined();
  });

  it('checkCandle - names the first thing wrong', () => {
    expect(checkCandle(T, 10, 10.5, 9, 11, 1)).toBe('high 10.5 is below max(open, close)');
    expect(checkCandle(T, 10, 12, 10.5, 11, 1)).toBe('low 10.5 is above min(open, close)');
    expect(checkCandle(T, 10, 12, 9, 11, -1)).toBe('volume -1 is not a number >= 0');
    expect(checkCandle(T, 0, 12, 9, 11, 1)).toBe('open 0 is not a positive number');
    expect(checkCandle(T, 10, Infinity, 9, 11, 1)).toBe('high Infinity is not a positive number');
    expect(checkCandle(T, 10, 12, 9, NaN, 1)).toBe('close NaN is not a positive number');
    expect(checkCandle(T * 1000, 10, 12, 9, 11, 1)).toMatch(/not a whole number of ms between/);
  });
});
