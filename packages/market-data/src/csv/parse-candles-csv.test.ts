import { describe, expect, it } from 'vitest';
import { parseCandlesCsv } from './parse-candles-csv.js';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const BINANCE_HEADER =
  'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore';

/** A Binance kline row: `open time,o,h,l,c,v,close time,…` as in data.binance.vision files. */
function kline(openTime: number | string, close = 42475.23): string {
  return `${openTime},42283.58000000,42554.57000000,42261.02000000,${close.toFixed(8)},1271.68108000,${Number(openTime) + H - 1},53957248.97,47134,682.57,28957416.81,0`;
}

function times(text: string, timeframe: '1h' | '1d' = '1h'): number[] {
  return Array.from(parseCandlesCsv(text, timeframe).candles.time);
}

describe('parse-candles-csv', () => {
  it('parseCandlesCsv - reads Binance klines without a header', () => {
    const parsed = parseCandlesCsv([kline(T0), kline(T0 + H, 42500)].join('\n'), '1h');
    expect(parsed).toMatchObject({ format: 'binance', header: false, rows: 2, errorCount: 0 });
    expect(Array.from(parsed.candles.time)).toEqual([T0, T0 + H]);
    expect(Array.from(parsed.candles.open)).toEqual([42283.58, 42283.58]);
    expect(Array.from(parsed.candles.close)).toEqual([42475.23, 42500]);
    expect(Array.from(parsed.candles.volume)).toEqual([1271.68108, 1271.68108]);
  });

  it('parseCandlesCsv - reads Binance klines with a header and with µs open times', () => {
    const text = [BINANCE_HEADER, kline(T0 * 1000), kline((T0 + H) * 1000)].join('\r\n');
    const parsed = parseCandlesCsv(`\uFEFF${text}\r\n`, '1h');
    expect(parsed).toMatchObject({ format: 'binance', header: true, rows: 2, errorCount: 0 });
    expect(Array.from(parsed.candles.time)).toEqual([T0, T0 + H]);
  });

  it('parseCandlesCsv - reads files that switch from ms to µs, as 2024 and 2025 files joined', () => {
    expect(times([kline(T0), kline((T0 + H) * 1000)].join('\n'))).toEqual([T0, T0 + H]);
  });

  it('parseCandlesCsv - reads timestamp,open,high,low,close,volume with ISO or epoch-ms times', () => {
    const text = [
      'timestamp,open,high,low,close,volume',
      '2024-01-01T00:00:00Z,100,110,95,105,12.5',
      `${T0 + H},105,106,101,102,0`,
      '"2024-01-01T02:00:00.000Z","102","103","100","101","3"',
    ].join('\n');
    const parsed = parseCandlesCsv(text, '1h');
    expect(parsed).toMatchObject({ format: 'ohlcv', header: true, rows: 3, errorCount: 0 });
    expect(Array.from(parsed.candles.time)).toEqual([T0, T0 + H, T0 + 2 * H]);
    expect(Array.from(parsed.candles.high)).toEqual([110, 106, 103]);
  });

  it('parseCandlesCsv - finds columns by header name, in any order, ignoring extra ones', () => {
    const text = ['Volume,Close,Low,High,Open,Timestamp,Trades', '7,105,95,110,100,2024-01-01,3'];
    const parsed = parseCandlesCsv(text.join('\n'), '1d');
    expect(parsed.errorCount).toBe(0);
    expect(Array.from(parsed.candles.open)).toEqual([100]);
    expect(Array.from(parsed.candles.volume)).toEqual([7]);
  });

  it('parseCandlesCsv - rejects bad rows with their line numbers and keeps the good ones', () => {
    const text = [
      'timestamp,open,high,low,close,volume',
      '2024-01-01T00:00:00Z,100,110,95,105,1',
      '',
      '2024-01-01T01:00:00Z,100,104,95,105,1',
      '2024-01-01T02:00:00Z,100,110,101,105,1',
      '2024-01-01T03:00:00Z,100,110,95,105,-1',
      '2024-01-01T04:00:00Z,abc,110,95,105,1',
      '2024-01-01T05:00:00Z,100,110,95,105',
      'not-a-time,100,110,95,105,1',
      '2024-01-01T06:00:00Z,100,110,95,,1',
      '1704067200,100,110,95,105,1',
      '2024-01-01T07:00:00Z,100,110,95,105,1',
    ].join('\n');
    const parsed = parseCandlesCsv(text, '1h');
    expect(parsed.rows).toBe(10);
    expect(parsed.errorCount).toBe(8);
    expect(parsed.errors).toEqual([
      { line: 4, message: 'high 104 is below max(open, close)' },
      { line: 5, message: 'low 101 is above min(open, close)' },
      { line: 6, message: 'volume -1 is not a number >= 0' },
      { line: 7, message: 'open "abc" is not a number' },
      { line: 8, message: 'expected at least 6 fields, found 5' },
      { line: 9, message: 'timestamp "not-a-time" is neither epoch ms nor ISO-8601' },
      { line: 10, message: 'close "" is not a number' },
      { line: 11, message: 'timestamp 1704067200 is too small for epoch ms (seconds?)' },
    ]);
    expect(Array.from(parsed.candles.time)).toEqual([T0, T0 + 7 * H]);
  });

  it('parseCandlesCsv - rejects a time given twice, or closer than one bar, naming both lines', () => {
    const text = [kline(T0), kline(T0 + H), kline(T0), kline(T0 + H + 30 * 60_000)].join('\n');
    const parsed = parseCandlesCsv(text, '1h');
    expect(parsed.errors).toEqual([
      { line: 3, message: 'time 2024-01-01T00:00:00.000Z repeats line 1' },
      {
        line: 4,
        message:
          '2024-01-01T01:30:00.000Z is 30m after line 2, closer than one 1h bar: wrong timeframe?',
      },
    ]);
  });

  it('parseCandlesCsv - sorts rows that come out of order', () => {
    expect(times([kline(T0 + 2 * H), kline(T0), kline(T0 + H)].join('\n'))).toEqual([
      T0,
      T0 + H,
      T0 + 2 * H,
    ]);
  });

  it('parseCandlesCsv - reports gaps as warnings with the bars missing', () => {
    const text = [T0, T0 + H, T0 + 4 * H, T0 + 5 * H, T0 + 7 * H].map((t) => kline(t)).join('\n');
    const parsed = parseCandlesCsv(text, '1h');
    expect(parsed.errorCount).toBe(0);
    expect(parsed.gaps).toEqual([
      { after: T0 + H, before: T0 + 4 * H, missing: 2 },
      { after: T0 + 5 * H, before: T0 + 7 * H, missing: 1 },
    ]);
    expect({ gapCount: parsed.gapCount, missingBars: parsed.missingBars }).toEqual({
      gapCount: 2,
      missingBars: 3,
    });
  });

  it('parseCandlesCsv - caps the reported errors of a hopeless file but counts them all', () => {
    const text = Array.from({ length: 500 }, () => 'a,b,c').join('\n');
    const parsed = parseCandlesCsv(text, '1h');
    expect(parsed.errorCount).toBe(500);
    expect(parsed.errors).toHaveLength(100);
    expect(parsed.errors[99]?.line).toBe(100);
  });

  it('parseCandlesCsv - says what a header lacks', () => {
    const parsed = parseCandlesCsv('timestamp,open,high,low,close\n2024-01-01,1,1,1,1', '1d');
    expect(parsed.errors).toEqual([
      {
        line: 1,
        message:
          "the header has no volume column (expected timestamp,open,high,low,close,volume or Binance's open_time,…)",
      },
    ]);
  });

  it('parseCandlesCsv - finds no rows in an empty file or a lone header', () => {
    expect(parseCandlesCsv('\n\n', '1h')).toMatchObject({ rows: 0, errorCount: 0 });
    expect(parseCandlesCsv(BINANCE_HEADER, '1h')).toMatchObject({ rows: 0, errorCount: 0 });
  });
});
