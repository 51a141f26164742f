import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { TaskState } from '@wadm/contracts';
import { NatsServer } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provision } from './provision.js';
import { newTaskState } from './state-factory.js';
import { IllegalTransitionError } from './errors.js';
import { TaskStore, type StoredState } from './task-store.js';

let server: NatsServer;
let nc: NatsConnection;
let store: TaskStore;
let ids = 0;
const OWNER = 'store';

beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url });
  await provision(nc);
  store = await TaskStore.open(nc);
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

function pending(): TaskState {
  return newTaskState({
    id: `t${process.pid}-${++ids}`,
    owner: OWNER,
    type: 'diagnostics.echo',
    queue: 'diagnostics',
    priority: 'normal',
    params: {},
  });
}

async function stored(state: TaskState): Promise<StoredState> {
  const created = await store.create(state);
  if (!created) throw new Error(`${state.id} exists already`);
  return created;
}

describe('TaskStore.mutate', () => {
  it('TaskStore.mutate - creates the entry when there is none', async () => {
    const state = pending();
    const written = await store.mutate(OWNER, state.id, (cur) => cur ?? state);
    expect(written?.state).toEqual(state);
    expect(await store.get(OWNER, state.id)).toEqual(written);
  });

  it('TaskStore.mutate - a CAS conflict reads again and re-applies the mutator', async () => {
    const stale = await stored(pending());
    const id = stale.state.id;
    // Another writer moves the entry on after `stale` was read.
    await store.mutate(OWNER, id, (cur) => cur && { ...cur, progressMessage: 'theirs' });

    const seen: (TaskState | null)[] = [];
    const written = await store.mutate(
      OWNER,
      id,
      (cur) => {
        seen.push(cur);
        return cur && { ...cur, status: 'STARTED', attempts: cur.attempts + 1 };
      },
      stale,
    );
    expect(seen.map((s) => s?.progressMessage)).toEqual([undefined, 'theirs']);
    expect(written?.state).toMatchObject({
      status: 'STARTED',
      attempts: 1,
      progressMessage: 'theirs',
    });
    expect(written?.revision).toBeGreaterThan(stale.revision + 1);
    expect(await store.get(OWNER, id)).toEqual(written);
  });

  it('TaskStore.mutate - concurrent writers lose no update', async () => {
    const { state } = await stored(pending());
    await Promise.all(
      Array.from({ length: 5 }, () =>
        store.mutate(OWNER, state.id, (cur) => cur && { ...cur, deferrals: cur.deferrals + 1 }),
      ),
    );
    expect((await store.get(OWNER, state.id))?.state.deferrals).toBe(5);
  });

  it('TaskStore.mutate - an illegal transition throws IllegalTransitionError and writes nothing', async () => {
    const done = await stored({ ...pending(), status: 'SUCCESS' });
    const attempt = store.mutate(
      OWNER,
      done.state.id,
      (cur) => cur && { ...cur, status: 'STARTED' },
    );
    await expect(attempt).rejects.toBeInstanceOf(IllegalTransitionError);
    await expect(attempt).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    expect(await store.get(OWNER, done.state.id)).toEqual(done);
  });

  it('TaskStore.mutate - a mutator returning null writes nothing and returns what is stored', async () => {
    const existing = await stored(pending());
    expect(await store.mutate(OWNER, existing.state.id, () => null)).toEqual(existing);
    expect(await store.get(OWNER, existing.state.id)).toEqual(existing);

    const absent = pending();
    expect(await store.mutate(OWNER, absent.id, () => null)).toBeNull();
    expect(await store.get(OWNER, absent.id)).toBeNull();
  });
});
