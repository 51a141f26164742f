import { MongoCandleStore, mongoDatabaseName, seedDemoData } from '@wadm/market-data';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { ARCHIVE_COLLECTION } from '../../src/archive.js';
import { startService, type ServiceHarness } from './harness.js';

const MONGODB_URL = process.env['MONGODB_URL'];
if (!MONGODB_URL) {
  console.warn('NOTICE: result archive tests SKIPPED: MONGODB_URL is not set (no MongoDB server).');
}

describe.skipIf(!MONGODB_URL)('results archived to MongoDB', () => {
  let client: MongoClient | undefined;
  let h: ServiceHarness | undefined;
  afterAll(async () => {
    await h?.close();
    await client?.close();
  });

  it('keeps a finished backtest, once, beside the candles it read', async () => {
    const url = MONGODB_URL ?? '';
    client = await MongoClient.connect(url);
    const db = client.db(mongoDatabaseName(url));
    await seedDemoData(await MongoCandleStore.open(db));
    h = await startService({ MONGODB_URL: url });
    const state = await h.run('backtest.run', {
      symbol: 'BTCUSDT',
      timeframe: '1d',
      strategy: { name: 'sma_cross', params: { fast: 10, slow: 50 } },
    });
    expect(state.status).toBe('SUCCESS');
    const records = await db
      .collection(ARCHIVE_COLLECTION)
      .find({ owner: state.owner, taskId: state.id })
      .toArray();
    expect(records).toHaveLength(1);
    expect(records[0]?.['result']).toEqual(await h.result(state));
  });
});
