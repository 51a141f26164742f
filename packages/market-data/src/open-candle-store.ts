import type { NatsConnection } from '@nats-io/transport-node';
import { MongoClient } from 'mongodb';
import type { CandleStore } from './candle-store.js';
import { MongoCandleStore } from './mongo/mongo-candle-store.js';
import { ObjectCandleStore } from './object-store/object-candle-store.js';

/** Options of {@link openCandleStore}. */
export interface OpenCandleStoreOptions {
  /**
   * MongoDB connection string, usually `process.env.MONGODB_URL`. Set: the MongoDB adapter, in
   * the database the URL names (`mongodb://host/wadm`), else `wadm`. Unset: the object store.
   */
  mongoUrl?: string | undefined;
  /** The NATS connection, or how to open it: only the object store adapter asks for it. */
  nats: NatsConnection | (() => Promise<NatsConnection>);
}

export type CandleStoreBackend = 'mongodb' | 'object-store';

export interface OpenedCandleStore {
  store: CandleStore;
  backend: CandleStoreBackend;
  /** Closes what the open created (the MongoDB client), never the NATS connection. */
  close(): Promise<void>;
}

/** The platform's one rule for where candles live: MongoDB when configured, else MARKET_DATA. */
export async function openCandleStore(options: OpenCandleStoreOptions): Promise<OpenedCandleStore> {
  if (options.mongoUrl) {
    const client = await MongoClient.connect(options.mongoUrl);
    try {
      const store = await MongoCandleStore.open(client.db(mongoDatabaseName(options.mongoUrl)));
      return { store, backend: 'mongodb', close: () => client.close() };
    } catch (err) {
      await client.close();
      throw err;
    }
  }
  const nc = typeof options.nats === 'function' ? await options.nats() : options.nats;
  const store = await ObjectCandleStore.open(nc);
  return { store, backend: 'object-store', close: async () => {} };
}

/** The database in the URL's path (`mongodb://h1,h2/wadm?…` → `wadm`), else `wadm`. */
export function mongoDatabaseName(url: string): string {
  const path = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]+)/.exec(url)?.[1];
  return path ? decodeURIComponent(path) : 'wadm';
}
