import { jetstream } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { headers } from '@nats-io/transport-node';
import {
  BUCKETS,
  retryDelayRange,
  stateKey,
  subjects,
  TASK_CATALOG,
  type EchoResult,
  type TaskEvent,
  type TaskState,
} from '@wadm/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactStore, DeadLetterAdmin, TaskRequestError } from '../src/index.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await h.startWorker({ WADM_CONCURRENCY: '8' });
});
afterAll(() => h?.close());

/** Every state change of a task until it is terminal, as the KV watcher saw it. */
async function history(task: TaskState): Promise<TaskState[]> {
  const seen: TaskState[] = [];
  await h.waitFor(task, (s) => {
    seen.push(s);
    return ['SUCCESS', 'FAILURE', 'REVOKED'].includes(s.status);
  });
  return seen;
}

/** Every revision of a task's state that TASK_STATE still holds, oldest first. */
async function storedHistory(task: TaskState): Promise<TaskState[]> {
  const kv = await new Kvm(h.nc).open(BUCKETS.taskState);
  const states: TaskState[] = [];
  for await (const e of await kv.history({ key: stateKey(task.owner, task.id) })) {
    if (e.operation === 'PUT') states.push(e.json<TaskState>());
  }
  return states;
}

async function deadLettersOf(taskId: string) {
  const admin = await DeadLetterAdmin.open(h.nc);
  return (await admin.list(1000)).filter((d) => d.letter.taskId === taskId);
}

describe('a task through the runtime', () => {
  it('runs to SUCCESS with its result inline and events in order', async () => {
    const all: TaskEvent[] = [];
    // Subscribed before submitting (and flushed), so not even the first event can be missed.
    const sub = h.nc.subscribe(subjects.eventsOf('system'), {
      callback: (_err, msg) => void all.push(msg.json<TaskEvent>()),
    });
    await h.nc.flush();
    const task = await h.submitEcho({ payload: { hello: 'world' }, progressSteps: 3, sleepMs: 30 });
    const done = await h.waitFor(task);
    // The state is written before its event is published: the event may trail by a moment.
    const ofTask = (): TaskEvent[] => all.filter((e) => e.task_id === task.id);
    await expect.poll(() => ofTask().at(-1)?.status).toBe('SUCCESS');
    sub.unsubscribe();
    const events = ofTask();

    expect(done.status).toBe('SUCCESS');
    expect(done.attempts).toBe(1);
    expect(done.progress).toBe(1);
    expect((done.result as EchoResult).payload).toEqual({ hello: 'world' });
    expect(events.at(-1)).toMatchObject({ status: 'SUCCESS', progress: 1 });
    expect(events.map((e) => e.status)).toContain('STARTED');
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('stores a large result in ARTIFACTS and links it from the state', async () => {
    const task = await h.submitEcho({ resultBytes: 200_000 });
    const done = await h.waitFor(task);
    expect(done.status).toBe('SUCCESS');
    expect(done.result).toBeUndefined();
    expect(done.resultRef).toMatchObject({ contentType: 'application/json' });
    const artifacts = await ArtifactStore.open(h.nc);
    const blob = await artifacts.get(done.resultRef?.name ?? '');
    const result = JSON.parse(new TextDecoder().decode(blob ?? new Uint8Array())) as EchoResult;
    expect(result.padding).toHaveLength(200_000);
  });

  it('retries with the policy backoff and succeeds on attempt 3', async () => {
    const task = await h.submitEcho({ failTimes: 2 });
    const seen = await history(task);
    const done = seen.at(-1);
    expect(done).toMatchObject({ status: 'SUCCESS', attempts: 3 });
    expect((done?.result as EchoResult).attempt).toBe(3);

    const retries = seen.filter((s) => s.status === 'RETRY');
    expect(retries.map((s) => s.attempts)).toEqual([1, 2]);
    const policy = TASK_CATALOG['diagnostics.echo'].retry;
    for (const r of retries) {
      const [min, max] = retryDelayRange(policy, r.attempts);
      const planned = Date.parse(r.nextRetryAt ?? '') - Date.parse(r.updatedAt);
      expect(planned).toBeGreaterThanOrEqual(min - 5);
      expect(planned).toBeLessThanOrEqual(max + 5);
      expect(r.error?.message).toContain('failing on purpose');
    }
    // The next attempt did not start before the delay was over.
    const starts = seen.filter((s) => s.status === 'STARTED' && s.attempts > 1);
    for (const s of starts) {
      const before = retries.find((r) => r.attempts === s.attempts - 1);
      expect(Date.parse(s.startedAt ?? '')).toBeGreaterThanOrEqual(
        Date.parse(before?.nextRetryAt ?? '') - 20,
      );
    }
  });

  it('fails for good after the last attempt, with a copy in TASKS_DLQ', async () => {
    const task = await h.submitEcho({ failTimes: 5 });
    const done = await h.waitFor(task);
    expect(done).toMatchObject({ status: 'FAILURE', attempts: 3 });
    expect(done.error).toMatchObject({ code: 'TASK_FAILED' });
    const letters = await deadLettersOf(task.id);
    expect(letters).toHaveLength(1);
    expect(letters[0]?.letter).toMatchObject({ attempts: 3, type: 'diagnostics.echo' });
  });

  it('does not retry a non-retryable error', async () => {
    const task = await h.submitEcho({ failTimes: 1, nonRetryable: true });
    const done = await h.waitFor(task);
    expect(done).toMatchObject({ status: 'FAILURE', attempts: 1 });
    expect(done.error).toMatchObject({ code: 'NON_RETRYABLE', retryable: false });
    expect(await deadLettersOf(task.id)).toHaveLength(1);
  });

  it('replays a dead letter: the task runs again from attempt 1', async () => {
    const task = await h.submitEcho({ failTimes: 1, nonRetryable: true });
    expect((await h.waitFor(task)).status).toBe('FAILURE');
    const [letter] = await deadLettersOf(task.id);
    const admin = await DeadLetterAdmin.open(h.nc);
    const revived = await admin.replay(letter?.seq ?? 0);
    expect(revived).toMatchObject({ status: 'PENDING', attempts: 0 });
    expect(revived.error).toBeUndefined();

    // It fails the same way again (echo fails its first attempt), but it did run again. Read
    // from the stored history: a watch started now could begin after STARTED.
    expect(await h.waitFor(revived)).toMatchObject({ status: 'FAILURE', attempts: 1 });
    const stored = (await storedHistory(revived)).map((s) => s.status);
    const sinceReplay = stored.slice(stored.lastIndexOf('PENDING'));
    expect(sinceReplay).toEqual(['PENDING', 'STARTED', 'FAILURE']);
    const letters = await deadLettersOf(task.id);
    expect(letters).toHaveLength(1);
    expect(letters[0]?.seq).not.toBe(letter?.seq);
    await expect(admin.replay(letter?.seq ?? 0)).rejects.toThrow(/no dead letter/);
  });

  it('waits for its ETA (notBefore) before starting', async () => {
    const notBefore = new Date(Date.now() + 1_500).toISOString();
    const task = await h.submitEcho({}, { notBefore });
    const done = await h.waitFor(task);
    expect(done.status).toBe('SUCCESS');
    expect(done.attempts).toBe(1);
    expect(Date.parse(done.startedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(notBefore) - 5);
  });

  it('aborts a task at its soft time limit and fails it without retrying', async () => {
    const task = await h.submitEcho({ sleepMs: 20_000 }, { softTimeLimitMs: 300 });
    const done = await h.waitFor(task);
    expect(done).toMatchObject({ status: 'FAILURE', attempts: 1 });
    expect(done.error).toMatchObject({ code: 'SOFT_TIME_LIMIT_EXCEEDED', retryable: false });
  });

  it('gives one task for one idempotency key', async () => {
    const req = { type: 'diagnostics.echo', params: { payload: 1 }, idempotencyKey: 'order-42' };
    const [a, b] = await Promise.all([h.client.submit(req), h.client.submit(req)]);
    expect(a?.state.id).toBe(b?.state.id);
    expect([a?.duplicate, b?.duplicate].sort()).toEqual([false, true]);
    const done = await h.waitFor(a.state);
    expect(done).toMatchObject({ status: 'SUCCESS', attempts: 1 });
    const again = await h.client.submit(req);
    expect(again).toMatchObject({ duplicate: true, state: { id: a.state.id, status: 'SUCCESS' } });
  });

  it('runs a command published straight onto the stream, as `nats pub` would', async () => {
    const js = jetstream(h.nc);
    const ack = await js.publish(
      'tasks.diagnostics.normal',
      JSON.stringify({ type: 'diagnostics.echo', params: { payload: 'raw' } }),
    );
    const task = { owner: 'system', id: `msg-${ack.seq}` } as TaskState;
    const done = await h.waitFor(task);
    expect(done).toMatchObject({ status: 'SUCCESS', type: 'diagnostics.echo' });
    expect((done.result as EchoResult).payload).toBe('raw');
  });

  it('fails a malformed command clearly and keeps working', async () => {
    const js = jetstream(h.nc);
    const h1 = headers();
    h1.set('Nats-Msg-Id', 'broken-json-1');
    await js.publish('tasks.diagnostics.high', '{"type": "diagnostics.echo", ', { headers: h1 });
    const broken = await h.waitFor({ owner: 'system', id: 'broken-json-1' } as TaskState);
    expect(broken.status).toBe('FAILURE');
    expect(broken.error).toMatchObject({ code: 'MALFORMED_COMMAND', retryable: false });
    expect(broken.error?.message).toContain('not valid JSON');
    expect(await deadLettersOf('broken-json-1')).toHaveLength(1);

    const ack = await js.publish(
      'tasks.diagnostics.normal',
      JSON.stringify({ type: 'diagnostics.echo', params: { sleepMs: 'soon' } }),
    );
    const invalid = await h.waitFor({ owner: 'system', id: `msg-${ack.seq}` } as TaskState);
    expect(invalid.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(invalid.error?.fields?.[0]?.path).toBe('/params/sleepMs');

    const ok = await h.waitFor(await h.submitEcho({ payload: 'still alive' }));
    expect(ok.status).toBe('SUCCESS');
  });

  it('refuses invalid submissions before writing anything', async () => {
    await expect(h.client.submit({ type: 'nope', params: {} })).rejects.toThrow(
      /unknown task type "nope"; known types: .*diagnostics\.echo/,
    );
    const invalid = h.client.submit({ type: 'diagnostics.echo', params: { failTimes: -1 } });
    await expect(invalid).rejects.toBeInstanceOf(TaskRequestError);
    await expect(invalid).rejects.toMatchObject({ fields: [{ path: '/params/failTimes' }] });
  });

  it('reports a heartbeat for the worker in WORKERS', async () => {
    const kv = await new Kvm(h.nc).open(BUCKETS.workers);
    const keys: string[] = [];
    for await (const k of await kv.keys()) keys.push(k);
    expect(keys.some((k) => k.startsWith('testworker.'))).toBe(true);
  });
});
