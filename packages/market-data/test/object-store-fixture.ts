import { connect, type NatsConnection } from '@nats-io/transport-node';
import { provision } from '@wadm/runtime';
import { NatsServer, stopAll } from '@wadm/testkit';
import { ObjectCandleStore } from '../src/index.js';

/** A provisioned nats-server and an ObjectCandleStore on it, for one test file. */
export interface ObjectStoreFixture {
  nc: NatsConnection;
  store: ObjectCandleStore;
  close(): Promise<void>;
}

export async function startObjectStore(): Promise<ObjectStoreFixture> {
  const server = await NatsServer.start();
  const nc = await connect({ servers: server.url });
  await provision(nc);
  const store = await ObjectCandleStore.open(nc);
  return {
    nc,
    store,
    async close() {
      await nc.close();
      await stopAll();
    },
  };
}
