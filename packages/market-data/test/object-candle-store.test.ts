import { Objm } from '@nats-io/obj';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { OBJECT_STORES } from '@wadm/contracts';
import { provision } from '@wadm/runtime';
import { NatsServer, stopAll } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptSeriesError, ObjectCandleStore, type Candles } from '../src/index.js';
import { candleStoreContract } from './candle-store-contract.js';
import { bars, hours, HOUR, T0, uniqueSymbol } from './fixtures.js';

let server: NatsServer;
let nc: NatsConnection;

beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url });
  await provision(nc);
});
afterAll(async () => {
  await nc.close();
  await stopAll();
});

candleStoreContract('ObjectCandleStore', async () => {
  const own = await connect({ servers: server.url });
  return { store: await ObjectCandleStore.open(own), close: () => own.close() };
});

/** Minute bars whose values follow from their index, so any lost or shifted bar shows. */
function minutes(count: number, start = T0): Candles {
  const candles = bars(Array.from({ length: count }, (_, i) => start + i * 60_000));
  candles.volume.forEach((_, i) => (candles.volume[i] = i));
  return candles;
}

describe('ObjectCandleStore - storage', () => {
  it('ObjectCandleStore - readCandles downloads the chunks a range needs, not the whole series', async () => {
    const own = await connect({ servers: server.url });
    try {
      const store = await ObjectCandleStore.open(own);
      const symbol = uniqueSymbol();
      const stored = minutes(500_000);
      await store.putCandles(symbol, '1m', stored);
      const objectBytes = 16 + 500_000 * 48;
      const before = own.stats().inBytes;
      const from = T0 + 300_000 * 60_000;
      const chunks: Candles[] = [];
      for await (const chunk of store.readCandles(symbol, '1m', {
        from,
        to: from + 999 * 60_000,
        chunkBars: 400,
      })) {
        chunks.push(chunk);
      }
      const received = own.stats().inBytes - before;
      expect(chunks.map((c) => c.time.length)).toEqual([400, 400, 200]);
      expect(chunks.flatMap((c) => Array.from(c.volume))).toEqual(
        Array.from(stored.volume.subarray(300_000, 301_000)),
      );
      // Six column slices (a 1 MiB object chunk each) and the time chunks the search probed.
      expect(received).toBeLessThan(objectBytes / 2);
    } finally {
      await own.close();
    }
  });

  it('ObjectCandleStore - keeps one object per series: a 16-byte header, then Float64 columns', async () => {
    const store = await ObjectCandleStore.open(nc);
    const symbol = uniqueSymbol();
    await store.putCandles(symbol, '1h', bars(hours(5)));
    const os = await new Objm(nc).open(OBJECT_STORES.marketData);
    const info = await os.info(`candles/${symbol}/1h`);
    expect(info).toMatchObject({
      size: 16 + 5 * 6 * 8,
      metadata: {
        symbol,
        timeframe: '1h',
        from: String(T0),
        to: String(T0 + 4 * HOUR),
        count: '5',
        layout: 'WCDL/1',
      },
      description: `${symbol} 1h: 5 candles, 2024-01-01T00:00:00.000Z to 2024-01-01T04:00:00.000Z`,
    });
    const bytes = (await os.getBlob(`candles/${symbol}/1h`)) as Uint8Array;
    expect(Buffer.from(bytes.subarray(0, 4)).toString('latin1')).toBe('WCDL');
    const time = new Float64Array(new Uint8Array(bytes.subarray(16, 16 + 5 * 8)).buffer);
    expect(Array.from(time)).toEqual(hours(5));
  });

  it('ObjectCandleStore - reads a million bars back intact', async () => {
    const store = await ObjectCandleStore.open(nc);
    const symbol = uniqueSymbol();
    const million = minutes(1_000_000);
    await store.putCandles(symbol, '1m', million);
    const read = await store.getCandles(symbol, '1m');
    expect(read.time.length).toBe(1_000_000);
    const bytes = (column: Float64Array): Buffer =>
      Buffer.from(column.buffer, column.byteOffset, column.byteLength);
    // Buffer.equals, not toEqual: a deep diff of 8 MB takes vitest minutes.
    expect(bytes(read.time).equals(bytes(million.time))).toBe(true);
    expect(bytes(read.close).equals(bytes(million.close))).toBe(true);
    expect(read.volume[999_999]).toBe(999_999);
  });

  it('ObjectCandleStore - a read that overlaps a rewrite of the series still completes', async () => {
    const reader = await ObjectCandleStore.open(nc);
    const writerConnection = await connect({ servers: server.url });
    const writer = await ObjectCandleStore.open(writerConnection);
    const symbol = uniqueSymbol();
    await writer.putCandles(symbol, '1m', minutes(300_000));
    // Each rewrite purges the chunks of the version before it, which some reads are fetching.
    const rewrites = (async () => {
      for (let i = 1; i <= 4; i++)
        await writer.putCandles(symbol, '1m', minutes(1, T0 - i * 60_000));
    })();
    const lengths: number[] = [];
    for (let i = 0; i < 8; i++) lengths.push((await reader.getCandles(symbol, '1m')).time.length);
    await rewrites;
    await writerConnection.close();
    expect(lengths.every((n) => n >= 300_000 && n <= 300_004)).toBe(true);
    expect((await reader.getCandles(symbol, '1m')).time.length).toBe(300_004);
  });

  it('ObjectCandleStore - reports an object that is not a candle file as corrupt', async () => {
    const store = await ObjectCandleStore.open(nc);
    const symbol = uniqueSymbol();
    const os = await new Objm(nc).open(OBJECT_STORES.marketData);
    await os.putBlob({ name: `candles/${symbol}/1h` }, new TextEncoder().encode('not candles'));
    await expect(store.getCandles(symbol, '1h')).rejects.toBeInstanceOf(CorruptSeriesError);
    await expect(store.getCandles(symbol, '1h')).rejects.toThrow(
      `stored series ${symbol} 1h is unreadable: 11 bytes, shorter than a header`,
    );
    expect((await store.listSeries()).some((s) => s.symbol === symbol)).toBe(false);
  });

  it('ObjectCandleStore - writes again on top of a deleted series', async () => {
    const store = await ObjectCandleStore.open(nc);
    const symbol = uniqueSymbol();
    await store.putCandles(symbol, '1h', bars(hours(3)));
    const os = await new Objm(nc).open(OBJECT_STORES.marketData);
    await os.delete(`candles/${symbol}/1h`);
    expect(await store.putCandles(symbol, '1h', bars(hours(1)))).toEqual({
      inserted: 1,
      updated: 0,
      total: 1,
    });
  });
});
