import { setTimeout as sleep } from 'node:timers/promises';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import {
  BUCKETS,
  STREAMS,
  subjects,
  TASK_CATALOG,
  validate,
  type CleanupResult,
  type DeadLetter,
  type TaskState,
  type TaskStatus,
} from '@wadm/contracts';
import {
  ArtifactStore,
  connectNats,
  createLogger,
  provision,
  UsageLedger,
  type TaskContext,
} from '@wadm/runtime';
import { NatsServer } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCleanupHandler } from '../src/handlers/cleanup.js';

type Connection = Awaited<ReturnType<typeof connectNats>>;
type Params = { olderThanDays: number; dryRun: boolean };
const DAY_MS = 86_400_000;

function context(params: Params, progress: number[] = []): TaskContext<Params> {
  return {
    id: 'cleanup1',
    owner: 'system',
    type: 'maintenance.cleanup',
    params,
    attempt: 1,
    maxAttempts: 3,
    signal: new AbortController().signal,
    progress: (fraction) => progress.push(fraction),
    logger: createLogger('cleanup-test', 'silent'),
    artifacts: undefined as never,
    worker: 'test.1',
  };
}

function state(
  id: string,
  status: TaskStatus,
  finished: number,
  extra: Partial<TaskState> = {},
): TaskState {
  const at = new Date(finished).toISOString();
  return {
    v: 1,
    id,
    type: 'exports.candles',
    owner: 'alice',
    queue: 'exports',
    priority: 'normal',
    status,
    progress: status === 'SUCCESS' ? 1 : 0,
    attempts: 1,
    maxAttempts: 3,
    deferrals: 0,
    params: {},
    createdAt: at,
    updatedAt: at,
    ...(['SUCCESS', 'FAILURE', 'REVOKED'].includes(status) ? { finishedAt: at } : {}),
    seq: 2,
    ...extra,
  };
}

const ref = (name: string, size: number) => ({
  store: 'ARTIFACTS',
  name,
  size,
  contentType: 'text/csv; charset=utf-8',
});

describe('maintenance.cleanup', () => {
  let server: NatsServer;
  let nc: Connection;
  let states: KV;
  let workers: KV;
  let artifacts: ArtifactStore;
  /** The cleanup's clock: a day and a bit after the first dead letter, before the second. */
  let now: number;

  beforeAll(async () => {
    server = await NatsServer.start();
    nc = await connectNats({ url: server.url, name: 'cleanup-test' });
    await provision(nc);
    const kvm = new Kvm(nc);
    states = await kvm.open(BUCKETS.taskState);
    workers = await kvm.open(BUCKETS.workers);
    artifacts = await ArtifactStore.open(nc);
    const js = jetstream(nc);
    const letter = (taskId: string): string =>
      JSON.stringify({
        v: 1,
        taskId,
        owner: 'alice',
        type: 'exports.candles',
        subject: 'tasks.exports.normal',
        command: '{}',
        error: { code: 'TASK_FAILED', message: 'x', retryable: false },
        attempts: 3,
        failedAt: new Date().toISOString(),
        worker: 'w',
      } satisfies DeadLetter);
    await js.publish(subjects.dlq('exports'), letter('dead-old-1'));
    await js.publish(subjects.dlq('exports'), letter('dead-old-2'));
    await js.publish(subjects.dlq('exports'), letter('dead-old-3'));
    await sleep(1_100);
    const boundary = Date.now();
    await sleep(100);
    await js.publish(subjects.dlq('exports'), letter('dead-new'));
    now = boundary + DAY_MS;

    const old = now - 3 * DAY_MS;
    const recent = now - DAY_MS / 2;
    const put = async (s: TaskState) => states.put(`${s.owner}.${s.id}`, JSON.stringify(s));
    // Old and finished: they go, with the files only they refer to.
    await artifacts.put('exports/alice/old-ok.csv', new Uint8Array(1000), 'text/csv');
    await put(
      state('old-ok', 'SUCCESS', old, {
        result: { artifact: ref('exports/alice/old-ok.csv', 1000), rows: 1 },
      }),
    );
    await artifacts.put('results/alice/old-big.json', new Uint8Array(2000), 'application/json');
    await put(
      state('old-big', 'SUCCESS', old, { resultRef: ref('results/alice/old-big.json', 2000) }),
    );
    await put(state('old-failed', 'FAILURE', old));
    await put(state('old-revoked', 'REVOKED', old));
    // Old but a live task still points at its file: the state goes, the file stays.
    await artifacts.put('exports/alice/shared.csv', new Uint8Array(500), 'text/csv');
    await put(
      state('old-shared', 'SUCCESS', old, {
        result: { artifact: ref('exports/alice/shared.csv', 500) },
      }),
    );
    await put(
      state('live-shared', 'STARTED', old, { resultRef: ref('exports/alice/shared.csv', 500) }),
    );
    // Never: tasks not finished however old, and finished ones that are recent.
    await put(state('old-pending', 'PENDING', old));
    await put(state('old-retry', 'RETRY', old));
    await artifacts.put('exports/alice/recent.csv', new Uint8Array(700), 'text/csv');
    await put(
      state('recent-ok', 'SUCCESS', recent, {
        result: { artifact: ref('exports/alice/recent.csv', 700) },
      }),
    );
    // Heartbeats: one beat long ago, one just now (by the cleanup's clock).
    const beat = (instance: string, ts: number) =>
      workers.put(
        `exports.${instance}`,
        JSON.stringify({ service: 'exports', instance, ts: new Date(ts).toISOString() }),
      );
    await beat('silent', now - 3_600_000);
    await beat('alive', now - 5_000);
    // What the worker charged alice for her four files as they were written.
    await (await UsageLedger.open(nc)).charge('alice', 1000 + 2000 + 500 + 700, 1_000_000);
  });

  afterAll(async () => {
    await nc?.close();
    await server?.stop();
  });

  const keys = async (kv: KV): Promise<string[]> => {
    const out: string[] = [];
    for await (const key of await kv.keys()) out.push(key);
    return out.sort();
  };
  const liveObjects = async (): Promise<string[]> =>
    (await artifacts.os.list())
      .filter((o) => !o.deleted)
      .map((o) => o.name)
      .sort();
  const deadLetterIds = async (): Promise<string[]> => {
    const jsm = await jetstreamManager(nc);
    const { state: s } = await jsm.streams.info(STREAMS.dlq);
    const ids: string[] = [];
    for (let seq = s.first_seq; s.messages > 0 && seq <= s.last_seq; seq++) {
      const msg = await jsm.streams.getMessage(STREAMS.dlq, { seq }).catch(() => null);
      if (msg) ids.push(msg.json<DeadLetter>().taskId);
    }
    return ids;
  };

  const handler = () =>
    createCleanupHandler({
      nc,
      artifacts,
      workerSilentMs: 300_000,
      batchSize: 2,
      now: () => now,
    });

  it('maintenance.cleanup - a dry run reports exactly what would go and deletes nothing', async () => {
    const before = {
      states: await keys(states),
      workers: await keys(workers),
      objects: await liveObjects(),
      letters: await deadLetterIds(),
    };
    const result = await handler()(context({ olderThanDays: 1, dryRun: true }));
    expect(validate(TASK_CATALOG['maintenance.cleanup'].result, result)).toEqual([]);
    expect(result.dryRun).toBe(true);
    expect(result.wouldRemove?.taskStates.sort()).toEqual([
      'alice.old-big',
      'alice.old-failed',
      'alice.old-ok',
      'alice.old-revoked',
      'alice.old-shared',
    ]);
    expect(result.wouldRemove?.artifacts.sort()).toEqual([
      'exports/alice/old-ok.csv',
      'results/alice/old-big.json',
    ]);
    expect(result.wouldRemove?.deadLetters).toHaveLength(3);
    expect(result.wouldRemove?.workers).toEqual(['exports.silent']);
    expect(result.taskStates.count).toBe(5);
    expect(result.artifacts).toEqual({ count: 2, bytes: 3000 });
    expect(result.deadLetters.count).toBe(3);
    expect(result.workers.count).toBe(1);
    expect(result.bytesFreed).toBe(
      result.taskStates.bytes + 3000 + result.deadLetters.bytes + result.workers.bytes,
    );
    expect({
      states: await keys(states),
      workers: await keys(workers),
      objects: await liveObjects(),
      letters: await deadLetterIds(),
    }).toEqual(before);
  });

  it('maintenance.cleanup - removes old finished data in batches and keeps live data', async () => {
    const progress: number[] = [];
    const dry = await handler()(context({ olderThanDays: 1, dryRun: true }));
    const result: CleanupResult = await handler()(
      context({ olderThanDays: 1, dryRun: false }, progress),
    );
    expect(validate(TASK_CATALOG['maintenance.cleanup'].result, result)).toEqual([]);
    expect(result.wouldRemove).toBeUndefined();
    // What the dry run announced is what went.
    for (const kind of ['taskStates', 'artifacts', 'deadLetters', 'workers'] as const) {
      expect(result[kind]).toEqual(dry[kind]);
    }
    expect(result.bytesFreed).toBe(dry.bytesFreed);
    expect(await keys(states)).toEqual([
      'alice.live-shared',
      'alice.old-pending',
      'alice.old-retry',
      'alice.recent-ok',
    ]);
    expect(await liveObjects()).toEqual(['exports/alice/recent.csv', 'exports/alice/shared.csv']);
    expect(await deadLetterIds()).toEqual(['dead-new']);
    expect(await keys(workers)).toEqual(['exports.alive']);
    // The two files removed are refunded to the owner they were charged to.
    expect(await (await UsageLedger.open(nc)).bytes('alice')).toBe(500 + 700);
    // One report per batch of 2: 2 artifacts, 5 states, 3 dead letters, 1 worker.
    expect(progress).toHaveLength(1 + 3 + 2 + 1);
    expect(progress.at(-1)).toBe(1);
  });

  it('maintenance.cleanup - a second run finds nothing left to remove', async () => {
    const result = await handler()(context({ olderThanDays: 1, dryRun: false }));
    expect(result.bytesFreed).toBe(0);
    for (const kind of ['taskStates', 'artifacts', 'deadLetters', 'workers'] as const) {
      expect(result[kind]).toEqual({ count: 0, bytes: 0 });
    }
  });
});
