import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll, describe } from 'vitest';
import { MongoCandleStore } from '../src/index.js';
import { candleStoreContract } from './candle-store-contract.js';

const url = process.env['MONGODB_URL'];

if (!url) {
  // Loud on purpose: a green run must not be mistaken for a tested MongoDB adapter.
  console.warn(
    'NOTICE: MongoCandleStore contract tests SKIPPED: MONGODB_URL is not set (no MongoDB server).',
  );
}

describe.skipIf(!url)('MongoCandleStore (needs MONGODB_URL)', () => {
  // One throwaway database per run; every store of the run shares it, as services would.
  const database = `wadm_test_${randomUUID().slice(0, 8)}`;
  const clients: MongoClient[] = [];

  afterAll(async () => {
    await clients[0]?.db(database).dropDatabase();
    await Promise.all(clients.map((c) => c.close()));
  });

  candleStoreContract('MongoCandleStore', async () => {
    const client = await MongoClient.connect(url as string);
    clients.push(client);
    return { store: await MongoCandleStore.open(client.db(database)), close: async () => {} };
  });
});
