import { describe, expect, it } from 'vitest';
import { parseCsvTime } from './csv-time.js';

const NEW_YEAR = Date.UTC(2024, 0, 1);

describe('csv-time', () => {
  it('parseCsvTime - reads epoch ms, and epoch µs as Binance writes since 2025', () => {
    expect(parseCsvTime('1704067200000')).toBe(NEW_YEAR);
    expect(parseCsvTime('1704067200000000')).toBe(NEW_YEAR);
    expect(parseCsvTime('1704067200123456')).toBe(NEW_YEAR + 123);
  });

  it('parseCsvTime - reads ISO-8601 as UTC unless it carries an offset', () => {
    expect(parseCsvTime('2024-01-01T00:00:00Z')).toBe(NEW_YEAR);
    expect(parseCsvTime('2024-01-01T00:00:00')).toBe(NEW_YEAR);
    expect(parseCsvTime('2024-01-01 00:00')).toBe(NEW_YEAR);
    expect(parseCsvTime('2024-01-01')).toBe(NEW_YEAR);
    expect(parseCsvTime('2024-01-01T00:00:00.250Z')).toBe(NEW_YEAR + 250);
    expect(parseCsvTime('2024-01-01T00:00:00.5+00:00')).toBe(NEW_YEAR + 500);
    expect(parseCsvTime('2024-01-01T02:00:00+02:00')).toBe(NEW_YEAR);
    expect(parseCsvTime('2023-12-31T19:00:00-0500')).toBe(NEW_YEAR);
  });

  it('parseCsvTime - says why a field is no time', () => {
    expect(parseCsvTime('1704067200')).toBe(
      'timestamp 1704067200 is too small for epoch ms (seconds?)',
    );
    expect(parseCsvTime('1704067200000000000')).toMatch(/too large for epoch ms or µs/);
    expect(parseCsvTime('2024-02-30')).toBe('timestamp "2024-02-30" is not a valid date and time');
    expect(parseCsvTime('2024-01-01T24:00:00Z')).toMatch(/not a valid date and time/);
    expect(parseCsvTime('yesterday')).toBe(
      'timestamp "yesterday" is neither epoch ms nor ISO-8601',
    );
    expect(parseCsvTime('')).toMatch(/neither epoch ms nor ISO-8601/);
  });
});
