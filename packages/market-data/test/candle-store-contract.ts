import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidCandlesError,
  InvalidSeriesError,
  SeriesNotFoundError,
  type CandleStore,
  type Timeframe,
} from '../src/index.js';
import { bars, hours, HOUR, plain, T0, uniqueSymbol } from './fixtures.js';

/** A store with its own connection, as a separate process would have. */
export interface OpenedStore {
  store: CandleStore;
  close(): Promise<void>;
}

/**
 * The behaviour every CandleStore adapter promises. Each adapter's test file calls this with a
 * way to open a fresh store on its backend.
 */
export function candleStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`${name} - CandleStore contract`, () => {
    const opened: OpenedStore[] = [];
    let store: CandleStore;
    const openStore = async (): Promise<CandleStore> => {
      const next = await open();
      opened.push(next);
      return next.store;
    };

    beforeAll(async () => {
      store = await openStore();
    });
    afterAll(async () => {
      await Promise.all(opened.map((o) => o.close()));
    });

    it(`${name} - reads back exactly the bars it stored`, async () => {
      const symbol = uniqueSymbol();
      const candles = bars(hours(3));
      candles.open.set([0.1 + 0.2, 1e-8, 123_456.789_012_345]);
      candles.close.set([0.3, 1e-8, 123_456.789_012_345]);
      candles.high.set([0.31, 2e-8, 123_457]);
      candles.low.set([0.1, 1e-9, 123_456]);
      candles.volume.set([0, 1e-12, 9.87e9]);
      expect(await store.putCandles(symbol, '1h', candles)).toEqual({
        inserted: 3,
        updated: 0,
        total: 3,
      });
      expect(plain(await store.getCandles(symbol, '1h'))).toEqual(plain(candles));
    });

    it(`${name} - returns the bars of an inclusive time range`, async () => {
      const symbol = uniqueSymbol();
      await store.putCandles(symbol, '1h', bars(hours(10)));
      const times = async (from?: number, to?: number): Promise<number[]> =>
        Array.from((await store.getCandles(symbol, '1h', from, to)).time);
      expect(await times(T0 + 2 * HOUR, T0 + 4 * HOUR)).toEqual(hours(3, T0 + 2 * HOUR));
      expect(await times(T0 + 8 * HOUR)).toEqual(hours(2, T0 + 8 * HOUR));
      expect(await times(undefined, T0 + HOUR)).toEqual(hours(2));
      expect(await times(T0 + 2.5 * HOUR, T0 + 3.5 * HOUR)).toEqual([T0 + 3 * HOUR]);
      expect(await times(T0 + 20 * HOUR)).toEqual([]);
      const empty = await store.getCandles(symbol, '1h', T0 - 5 * HOUR, T0 - HOUR);
      expect(plain(empty)).toEqual(plain(bars([])));
    });

    it(`${name} - reads a range in chunks: the same bars as getCandles, each chunk at most chunkBars`, async () => {
      const symbol = uniqueSymbol();
      const stored = bars(hours(25));
      stored.volume.forEach((_, i) => (stored.volume[i] = i));
      await store.putCandles(symbol, '1h', stored);
      const chunked = async (from?: number, to?: number, chunkBars = 4) => {
        const chunks = [];
        for await (const c of store.readCandles(symbol, '1h', { from, to, chunkBars })) {
          chunks.push(plain(c));
        }
        return chunks;
      };
      const all = await chunked();
      expect(all.map((c) => c.time.length)).toEqual([4, 4, 4, 4, 4, 4, 1]);
      expect(all.flatMap((c) => c.volume)).toEqual(Array.from(stored.volume));
      const part = await chunked(T0 + 2.5 * HOUR, T0 + 9 * HOUR, 3);
      const expected = plain(await store.getCandles(symbol, '1h', T0 + 2.5 * HOUR, T0 + 9 * HOUR));
      expect(part.map((c) => c.time.length)).toEqual([3, 3, 1]);
      for (const column of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
        expect(part.flatMap((c) => c[column])).toEqual(expected[column]);
      }
      expect(await chunked(T0 + 30 * HOUR)).toEqual([]);
      const missing = store.readCandles(uniqueSymbol(), '1h', { chunkBars: 4 });
      await expect(missing[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(
        SeriesNotFoundError,
      );
    });

    it(`${name} - merges a re-import by time: equal times replaced, new ones added, in order`, async () => {
      const symbol = uniqueSymbol();
      await store.putCandles(symbol, '1h', bars(hours(4), 100));
      const overlapping = bars(hours(4, T0 + 2 * HOUR), 200);
      expect(await store.putCandles(symbol, '1h', overlapping)).toEqual({
        inserted: 2,
        updated: 2,
        total: 6,
      });
      const stored = await store.getCandles(symbol, '1h');
      expect(Array.from(stored.time)).toEqual(hours(6));
      expect(Array.from(stored.open)).toEqual([100, 100, 200, 200, 200, 200]);
      const earlier = bars([T0 - 2 * HOUR, T0 + HOUR], 300);
      expect(await store.putCandles(symbol, '1h', earlier)).toEqual({
        inserted: 1,
        updated: 1,
        total: 7,
      });
      const again = await store.getCandles(symbol, '1h');
      expect(Array.from(again.time)).toEqual([T0 - 2 * HOUR, ...hours(6)]);
      expect(Array.from(again.open)).toEqual([300, 100, 300, 200, 200, 200, 200]);
    });

    it(`${name} - takes bars in any order and stores them sorted`, async () => {
      const symbol = uniqueSymbol();
      const shuffled = [3, 0, 4, 1, 2].map((i) => T0 + i * HOUR);
      const candles = bars(shuffled);
      candles.volume.set([3, 0, 4, 1, 2]);
      await store.putCandles(symbol, '1h', candles);
      const stored = await store.getCandles(symbol, '1h');
      expect(Array.from(stored.time)).toEqual(hours(5));
      expect(Array.from(stored.volume)).toEqual([0, 1, 2, 3, 4]);
    });

    it(`${name} - refuses bad bars and repeated times, and writes none of them`, async () => {
      const symbol = uniqueSymbol();
      await store.putCandles(symbol, '1h', bars(hours(2)));
      const badHigh = bars(hours(3, T0 + 2 * HOUR));
      badHigh.high[2] = 50;
      await expect(store.putCandles(symbol, '1h', badHigh)).rejects.toThrow(
        /candle 2: high 50 is below max\(open, close\)/,
      );
      const notANumber = bars(hours(2, T0 + 2 * HOUR));
      notANumber.volume[0] = Number.NaN;
      await expect(store.putCandles(symbol, '1h', notANumber)).rejects.toBeInstanceOf(
        InvalidCandlesError,
      );
      const repeated = bars([T0 + 5 * HOUR, T0 + 6 * HOUR, T0 + 5 * HOUR]);
      await expect(store.putCandles(symbol, '1h', repeated)).rejects.toThrow(
        /time 2024-01-01T05:00:00.000Z appears more than once/,
      );
      const ragged = { ...bars(hours(2, T0 + 2 * HOUR)), close: new Float64Array(1) };
      await expect(store.putCandles(symbol, '1h', ragged)).rejects.toThrow(/column close/);
      expect(Array.from((await store.getCandles(symbol, '1h')).time)).toEqual(hours(2));
    });

    it(`${name} - names an unknown series, and an empty put creates none`, async () => {
      const symbol = uniqueSymbol();
      const missing = store.getCandles(symbol, '4h');
      await expect(missing).rejects.toBeInstanceOf(SeriesNotFoundError);
      await expect(missing).rejects.toThrow(`no candles for ${symbol} 4h`);
      expect(await store.putCandles(symbol, '4h', bars([]))).toEqual({
        inserted: 0,
        updated: 0,
        total: 0,
      });
      await expect(store.getCandles(symbol, '4h')).rejects.toBeInstanceOf(SeriesNotFoundError);
      expect((await store.listSeries()).some((s) => s.symbol === symbol)).toBe(false);
    });

    it(`${name} - refuses a symbol or timeframe that cannot name a series`, async () => {
      await expect(store.getCandles('btc/usdt', '1h')).rejects.toBeInstanceOf(InvalidSeriesError);
      await expect(store.putCandles('BTCUSDT', '2h' as Timeframe, bars([T0]))).rejects.toThrow(
        /invalid timeframe "2h": use one of 1m, 5m, 15m, 1h, 4h, 1d/,
      );
    });

    it(`${name} - lists each series with its range, by symbol and then timeframe`, async () => {
      const [a, b] = [uniqueSymbol(), uniqueSymbol()].sort();
      const first = a as string;
      const second = b as string;
      await store.putCandles(second, '1h', bars(hours(3)));
      await store.putCandles(first, '1d', bars([T0, T0 + 24 * HOUR]));
      await store.putCandles(first, '15m', bars([T0 + HOUR, T0 + 2 * HOUR]));
      const ours = (await store.listSeries()).filter((s) => [first, second].includes(s.symbol));
      expect(ours).toEqual([
        { symbol: first, timeframe: '15m', from: T0 + HOUR, to: T0 + 2 * HOUR, count: 2 },
        { symbol: first, timeframe: '1d', from: T0, to: T0 + 24 * HOUR, count: 2 },
        { symbol: second, timeframe: '1h', from: T0, to: T0 + 2 * HOUR, count: 3 },
      ]);
    });

    it(`${name} - loses no bars when writers on separate connections race on one series`, async () => {
      const symbol = uniqueSymbol();
      const writers = await Promise.all([1, 2, 3, 4, 5, 6].map(() => openStore()));
      const results = await Promise.all(
        writers.map((writer, w) =>
          writer.putCandles(symbol, '1h', bars(hours(50, T0 + w * 50 * HOUR), w + 10)),
        ),
      );
      expect(results.map((r) => r.inserted)).toEqual([50, 50, 50, 50, 50, 50]);
      const stored = await store.getCandles(symbol, '1h');
      expect(Array.from(stored.time)).toEqual(hours(300));
      expect(Array.from(new Set(stored.open))).toEqual([10, 11, 12, 13, 14, 15]);
    });
  });
}
