import {
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { Objm } from '@nats-io/obj';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { consumerName, OBJECT_STORES, STREAMS, subjects } from '@wadm/contracts';
import { NatsServer } from '@wadm/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { provision } from '../src/index.js';

const DAY_NS = 86_400 * 1e9;
const MIB = 1_048_576;

let server: NatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;

beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url });
  jsm = await jetstreamManager(nc);
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});
// The resources have fixed names: each test starts from an empty server.
beforeEach(async () => {
  for await (const name of jsm.streams.names()) await jsm.streams.delete(name);
});

const dlq = async (): Promise<StreamConfig> => (await jsm.streams.info(STREAMS.dlq)).config;
const artifacts = async (): Promise<StreamConfig> =>
  (await (await new Objm(nc).open(OBJECT_STORES.artifacts)).status()).streamInfo.config;
const limitsOf = ({ max_age, max_bytes }: StreamConfig) => ({ max_age, max_bytes });

describe('provision - retention limits', () => {
  it('provision - creates TASKS_DLQ and ARTIFACTS bounded by the defaults', async () => {
    await provision(nc);
    expect(await dlq()).toMatchObject({
      max_age: 30 * DAY_NS,
      max_bytes: 128 * MIB,
      discard: DiscardPolicy.Old,
    });
    expect(limitsOf(await artifacts())).toEqual({ max_age: 7 * DAY_NS, max_bytes: 512 * MIB });
  });

  it('provision - creates them with the limits it is given', async () => {
    await provision(nc, {
      dlqMaxAgeMs: 3_600_000,
      dlqMaxBytes: 2 * MIB,
      artifactsMaxAgeMs: 7_200_000,
      artifactsMaxBytes: 4 * MIB,
    });
    expect(limitsOf(await dlq())).toEqual({ max_age: 3_600e9, max_bytes: 2 * MIB });
    expect(limitsOf(await artifacts())).toEqual({ max_age: 7_200e9, max_bytes: 4 * MIB });
  });

  it('provision - leaves the limits of existing streams as they are', async () => {
    await provision(nc, {
      dlqMaxAgeMs: 3_600_000,
      dlqMaxBytes: 2 * MIB,
      artifactsMaxAgeMs: 7_200_000,
      artifactsMaxBytes: 4 * MIB,
    });
    // An operator's own change, as `nats stream edit` makes it.
    await jsm.streams.update(STREAMS.events, { max_age: 2 * DAY_NS });
    // Every service starts with the defaults, which differ from all of the above.
    await provision(nc);
    await provision(nc, { replicas: 1, ackWaitMs: 5_000 });
    expect(limitsOf(await dlq())).toEqual({ max_age: 3_600e9, max_bytes: 2 * MIB });
    expect(limitsOf(await artifacts())).toEqual({ max_age: 7_200e9, max_bytes: 4 * MIB });
    expect((await jsm.streams.info(STREAMS.events)).config.max_age).toBe(2 * DAY_NS);
  });

  it('provision - applies a limit given explicitly to an existing stream, keeps the rest', async () => {
    await provision(nc, { dlqMaxAgeMs: 3_600_000, dlqMaxBytes: 2 * MIB });
    await provision(nc, {
      dlqMaxBytes: 3 * MIB,
      artifactsMaxAgeMs: 10_800_000,
      eventsMaxAgeMs: 3_600_000,
    });
    expect(limitsOf(await dlq())).toEqual({ max_age: 3_600e9, max_bytes: 3 * MIB });
    expect(limitsOf(await artifacts())).toEqual({ max_age: 10_800e9, max_bytes: 512 * MIB });
    expect((await jsm.streams.info(STREAMS.events)).config.max_age).toBe(3_600e9);
  });

  it('provision - a full TASKS_DLQ drops its oldest letters and takes the new one', async () => {
    await provision(nc, { dlqMaxBytes: MIB });
    const js = jetstream(nc);
    const letter = new Uint8Array(16 * 1024);
    let last = 0;
    for (let i = 0; i < 100; i++) last = (await js.publish(subjects.dlq('backtest'), letter)).seq;
    const { state } = await jsm.streams.info(STREAMS.dlq);
    expect(state.last_seq).toBe(last);
    expect(state.first_seq).toBeGreaterThan(1);
    expect(state.bytes).toBeLessThanOrEqual(MIB);
  });
});

describe('provision - consumers', () => {
  const consumerConfig = async () =>
    (await jsm.consumers.info(STREAMS.tasks, consumerName('backtest', 'high'))).config;

  it('provision - changes consumer settings only when they are given', async () => {
    await provision(nc, { ackWaitMs: 120_000, maxAckPending: 500 });
    // A gateway, the CLI or the start command: defaults, no consumer settings.
    await provision(nc);
    expect(await consumerConfig()).toMatchObject({ ack_wait: 120e9, max_ack_pending: 500 });
    await provision(nc, { ackWaitMs: 60_000 });
    expect(await consumerConfig()).toMatchObject({ ack_wait: 60e9, max_ack_pending: 500 });
  });
});
