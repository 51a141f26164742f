import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import {
  connect,
  NoRespondersError,
  TimeoutError,
  type NatsConnection,
} from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { BUCKETS, HEADERS, stateKey, STREAMS, subjects } from '@wadm/contracts';
import { NatsServer } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JetStreamWriter } from './jetstream-writer.js';
import { provision } from './provision.js';

let server: NatsServer;
let nc: NatsConnection;

beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url });
  await provision(nc);
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

describe('jetstream writer', () => {
  it('JetStreamWriter - answers with the PubAck, and a repeated message id is a duplicate', async () => {
    const writer = JetStreamWriter.for(nc);
    expect(JetStreamWriter.for(nc)).toBe(writer);
    const subject = subjects.task('diagnostics', 'low');
    const headers = { [HEADERS.msgId]: 'writer-test-1' };
    const first = await writer.publish(subject, '{}', { headers });
    expect(first).toMatchObject({ stream: STREAMS.tasks, duplicate: false });
    expect(first.seq).toBeGreaterThan(0);
    const again = await writer.publish(subject, '{}', { headers });
    expect(again).toEqual({ ...first, duplicate: true });
  });

  it('JetStreamWriter - a stale expected revision is the KV compare-and-set conflict', async () => {
    const writer = JetStreamWriter.for(nc);
    const subject = `$KV.${BUCKETS.taskState}.${stateKey('writer', 'cas-1')}`;
    const cas = (revision: number) =>
      writer.publish(subject, '{}', {
        headers: { 'Nats-Expected-Last-Subject-Sequence': String(revision) },
      });
    const created = await cas(0);
    const updated = await cas(created.seq);
    expect(updated.seq).toBeGreaterThan(created.seq);
    const stale = await cas(created.seq).catch((err: unknown) => err);
    expect(stale).toBeInstanceOf(JetStreamApiError);
    expect((stale as JetStreamApiError).code).toBe(JetStreamApiCodes.StreamWrongLastSequence);
  });

  it('JetStreamWriter - no stream on the subject is NoResponders after the tries asked for', async () => {
    const writer = JetStreamWriter.for(nc);
    await expect(writer.publish('nobody.listens', '{}', { retries: 3 })).rejects.toBeInstanceOf(
      NoRespondersError,
    );
  });

  it('JetStreamWriter - an answer that never comes is a TimeoutError', async () => {
    const other = await connect({ servers: server.url });
    try {
      // A subscriber that takes the message and never replies.
      other.subscribe('silent.subject', { callback: () => undefined });
      await other.flush();
      const writer = JetStreamWriter.for(other, 300);
      await expect(writer.publish('silent.subject', '{}')).rejects.toBeInstanceOf(TimeoutError);
    } finally {
      await other.close();
    }
  });

  it('JetStreamWriter - reads the last message of a subject: a put, a delete marker, nothing', async () => {
    const writer = JetStreamWriter.for(nc);
    const kv = await new Kvm(nc).open(BUCKETS.taskState);
    const key = stateKey('writer', 'read-1');
    const stream = `KV_${BUCKETS.taskState}`;
    const subject = `$KV.${BUCKETS.taskState}.${key}`;
    expect(await writer.lastMessage(stream, subject)).toBeNull();
    const revision = await kv.put(key, '{"n":1}');
    const found = await writer.lastMessage(stream, subject);
    expect(found).toMatchObject({ seq: revision, operation: undefined });
    expect(found?.msg.json()).toEqual({ n: 1 });
    await kv.delete(key);
    expect((await writer.lastMessage(stream, subject))?.operation).toBe('DEL');
  });
});
