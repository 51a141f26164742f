import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectCandleStore } from '../src/index.js';
import { CandleCsvError, importCandlesCsv, SeriesNotFoundError } from '../src/index.js';
import { startObjectStore, type ObjectStoreFixture } from './object-store-fixture.js';
import { HOUR, hours, T0, uniqueSymbol } from './fixtures.js';

/** Binance kline rows at `times`, closing at `close`. */
function klines(times: readonly number[], close = 105): string {
  return times
    .map(
      (t) =>
        `${t},100.00000000,110.00000000,95.00000000,${close}.00000000,12.5,${t + HOUR - 1},0,0,0,0,0`,
    )
    .join('\n');
}

describe('importCandlesCsv - into the object store', () => {
  let fixture: ObjectStoreFixture;
  let store: ObjectCandleStore;

  beforeAll(async () => {
    fixture = await startObjectStore();
    store = fixture.store;
  });
  afterAll(() => fixture?.close());

  it('importCandlesCsv - stores every row and reports the gaps it saw', async () => {
    const symbol = uniqueSymbol();
    const times = [...hours(3), ...hours(2, T0 + 5 * HOUR)];
    const result = await importCandlesCsv(store, symbol, '1h', klines(times));
    expect(result).toEqual({
      symbol,
      timeframe: '1h',
      format: 'binance',
      header: false,
      rows: 5,
      from: T0,
      to: T0 + 6 * HOUR,
      inserted: 5,
      updated: 0,
      total: 5,
      gaps: [{ after: T0 + 2 * HOUR, before: T0 + 5 * HOUR, missing: 2 }],
      gapCount: 1,
      missingBars: 2,
    });
    expect(Array.from((await store.getCandles(symbol, '1h')).time)).toEqual(times);
  });

  it('importCandlesCsv - a re-import merges by time', async () => {
    const symbol = uniqueSymbol();
    await importCandlesCsv(store, symbol, '1h', klines(hours(4), 105));
    const again = await importCandlesCsv(store, symbol, '1h', klines(hours(4, T0 + 2 * HOUR), 106));
    expect(again).toMatchObject({ inserted: 2, updated: 2, total: 6 });
    const stored = await store.getCandles(symbol, '1h');
    expect(Array.from(stored.close)).toEqual([105, 105, 106, 106, 106, 106]);
  });

  it('importCandlesCsv - a file with one bad row stores nothing at all', async () => {
    const symbol = uniqueSymbol();
    const rows = klines(hours(5)).split('\n');
    rows[3] = rows[3]?.replace('110.00000000', '99.00000000') ?? '';
    const failed = importCandlesCsv(store, symbol, '1h', rows.join('\n'));
    await expect(failed).rejects.toBeInstanceOf(CandleCsvError);
    await expect(failed).rejects.toMatchObject({
      message: '1 bad row of 5; nothing was imported',
      errors: [{ line: 4, message: 'high 99 is below max(open, close)' }],
      errorCount: 1,
    });
    await expect(store.getCandles(symbol, '1h')).rejects.toBeInstanceOf(SeriesNotFoundError);
  });

  it('importCandlesCsv - refuses a file without rows', async () => {
    await expect(importCandlesCsv(store, uniqueSymbol(), '1h', '\n')).rejects.toThrow(
      'the file has no candle rows; nothing was imported',
    );
  });
});
