import { describe, expect, it } from 'vitest';
import { isoTimes } from './iso-time.js';
import { seededRandom } from './testing/candles.js';

const viaDate = (times: number[]) => times.map((ms) => new Date(ms).toISOString());

describe('isoTimes', () => {
  it('isoTimes - equals Date#toISOString on calendar edges', () => {
    const edges = [
      0,
      Date.UTC(1999, 11, 31, 23, 59, 59, 999),
      Date.UTC(2000, 1, 29, 12, 0, 0, 5),
      Date.UTC(2024, 1, 29),
      Date.UTC(2024, 2, 1, 0, 0, 0, 50),
      Date.UTC(2100, 1, 28, 23, 59, 59, 999),
      Date.UTC(2100, 2, 1),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
    ];
    expect(isoTimes(edges)).toEqual(viaDate(edges));
  });

  it('isoTimes - equals Date#toISOString on random times up to year 9999', () => {
    const random = seededRandom(99);
    const times = Array.from({ length: 50_000 }, () => Math.floor(random() * 253_402_300_800_000));
    expect(isoTimes(Float64Array.from(times))).toEqual(viaDate(times));
  });

  it('isoTimes - goes through Date outside its fast range, between fast ones', () => {
    const times = [-1, 1_000, -86_400_000.5, 1.5, 253_402_300_800_000, Date.UTC(2030, 5, 6)];
    expect(isoTimes(times)).toEqual(viaDate(times));
    expect(isoTimes([])).toEqual([]);
  });
});
