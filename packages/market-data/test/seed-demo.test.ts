import { Objm } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import { OBJECT_STORES } from '@wadm/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectCandleStore } from '../src/index.js';
import {
  aggregateCandles,
  DEMO_END,
  DEMO_MARKETS,
  DEMO_START,
  demoHourlyCandles,
  seedDemoData,
} from '../src/index.js';
import { startObjectStore, type ObjectStoreFixture } from './object-store-fixture.js';

describe('seedDemoData - on the object store', () => {
  let fixture: ObjectStoreFixture;
  let store: ObjectCandleStore;
  let nc: NatsConnection;

  beforeAll(async () => {
    fixture = await startObjectStore();
    store = fixture.store;
    nc = fixture.nc;
  });
  afterAll(() => fixture?.close());

  it('seedDemoData - writes BTCUSDT and ETHUSDT, 1h and 1d, 2022 to 2024', async () => {
    const { seeded, skipped } = await seedDemoData(store);
    expect(skipped).toEqual([]);
    const day = 86_400_000;
    const expected = ['BTCUSDT', 'ETHUSDT'].flatMap((symbol) => [
      { symbol, timeframe: '1h', from: DEMO_START, to: DEMO_END - 3_600_000, count: 26_304 },
      { symbol, timeframe: '1d', from: DEMO_START, to: DEMO_END - day, count: 1096 },
    ]);
    expect(seeded).toEqual(expected);
    expect(await store.listSeries()).toEqual(expected);
  });

  it('seedDemoData - stores the generator output itself; 1d is aggregated from 1h', async () => {
    const market = DEMO_MARKETS[1];
    if (!market) throw new Error('no second demo market');
    const hourly = demoHourlyCandles(market);
    expect(await store.getCandles(market.symbol, '1h')).toEqual(hourly);
    expect(await store.getCandles(market.symbol, '1d')).toEqual(aggregateCandles(hourly, '1d'));
  });

  it('seedDemoData - leaves existing series alone and fills in only what is missing', async () => {
    const again = await seedDemoData(store);
    expect(again.seeded).toEqual([]);
    expect(again.skipped).toHaveLength(4);

    const os = await new Objm(nc).open(OBJECT_STORES.marketData);
    await os.delete('candles/ETHUSDT/1d');
    const refill = await seedDemoData(store);
    expect(refill.seeded.map((s) => `${s.symbol} ${s.timeframe}`)).toEqual(['ETHUSDT 1d']);
    expect(refill.skipped).toHaveLength(3);
  });
});
