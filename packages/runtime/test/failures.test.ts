import { jetstreamManager } from '@nats-io/jetstream';
import { STREAMS, type TaskEvent, type TaskState } from '@wadm/contracts';
import type { ManagedProcess } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterAdmin } from '../src/index.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const isStarted = (s: TaskState): boolean => s.status === 'STARTED';

/** Events of one task until its terminal one, from the start of TASK_EVENTS. */
async function terminalEventsOf(task: TaskState): Promise<TaskEvent[]> {
  const jsm = await jetstreamManager(h.nc);
  const subject = `events.tasks.${task.owner}.${task.id}`;
  const info = await jsm.streams.info(STREAMS.events, { subjects_filter: subject });
  const events: TaskEvent[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const msg = await jsm.streams.getMessage(STREAMS.events, { seq }).catch(() => null);
    if (msg?.subject === subject) events.push(msg.json<TaskEvent>());
  }
  return events.filter((e) => ['SUCCESS', 'FAILURE', 'REVOKED'].includes(e.status));
}

describe('worker crashes', () => {
  it('redelivers a task whose worker was SIGKILLed and finishes it once', async () => {
    const first = await h.startWorker();
    const task = await h.submitEcho({ sleepMs: 1_500, payload: 'survivor' });
    await h.waitFor(task, isStarted);
    await first.kill();
    await h.startWorker();
    const done = await h.waitFor(task);
    expect(done).toMatchObject({ status: 'SUCCESS', attempts: 2 });
    expect(await terminalEventsOf(task)).toHaveLength(1);
    await h.stopWorkers();
  });

  it('ends a crash loop in FAILURE with a dead letter instead of redelivering forever', async () => {
    const task = await h.submitEcho({ crash: true });
    // A supervisor, as Kubernetes would be: restart the worker each time it dies.
    let worker: ManagedProcess = await h.startWorker();
    let restarts = 0;
    let done: TaskState | undefined;
    const finished = h.waitFor(task).then((s) => (done = s));
    while (!done) {
      await Promise.race([worker.exited, finished]);
      if (done) break;
      restarts++;
      worker = await h.startWorker();
    }
    expect(restarts).toBe(3);
    expect(done).toMatchObject({ status: 'FAILURE', attempts: 3 });
    expect(done.error).toMatchObject({ code: 'WORKER_LOST', retryable: false });
    const admin = await DeadLetterAdmin.open(h.nc);
    const letters = (await admin.list()).filter((d) => d.letter.taskId === task.id);
    expect(letters).toHaveLength(1);
    await h.stopWorkers();
  });
});

describe('cancellation', () => {
  it('revokes a pending task, and the worker drops its message', async () => {
    const task = await h.submitEcho({ payload: 'never' });
    const { outcome, state } = await h.client.cancel(task.owner, task.id);
    expect(outcome).toBe('revoked');
    expect(state.status).toBe('REVOKED');
    await h.startWorker();
    const jsm = await jetstreamManager(h.nc);
    await expect
      .poll(async () => (await jsm.streams.info(STREAMS.tasks)).state.messages, { timeout: 10_000 })
      .toBe(0);
    expect(await h.client.get(task.owner, task.id)).toMatchObject({
      status: 'REVOKED',
      attempts: 0,
    });
    await expect(h.client.cancel(task.owner, task.id)).rejects.toMatchObject({
      code: 'TASK_ALREADY_TERMINAL',
    });
  });

  it('revokes a running task: its handler is aborted', async () => {
    const task = await h.submitEcho({ sleepMs: 30_000, progressSteps: 300 });
    await h.waitFor(task, isStarted);
    const { outcome } = await h.client.cancel(task.owner, task.id);
    expect(outcome).toBe('revoke-requested');
    const done = await h.waitFor(task);
    expect(done.status).toBe('REVOKED');
    // Aborted, not run to the end of its 30 s sleep.
    expect(Date.parse(done.finishedAt ?? '') - Date.parse(done.startedAt ?? '')).toBeLessThan(
      15_000,
    );
    await h.stopWorkers();
  });
});

describe('graceful shutdown', () => {
  it('lets a running task finish on SIGTERM, then exits 0', async () => {
    const worker = await h.startWorker();
    const task = await h.submitEcho({ sleepMs: 1_000 });
    await h.waitFor(task, isStarted);
    const exit = await worker.stop();
    expect(exit.code).toBe(0);
    expect(await h.client.get(task.owner, task.id)).toMatchObject({
      status: 'SUCCESS',
      attempts: 1,
    });
  });

  it('hands back what it could not finish within the grace period, without using an attempt', async () => {
    const worker = await h.startWorker({ WADM_GRACE_MS: '200' });
    const task = await h.submitEcho({ sleepMs: 3_000, progressSteps: 30 });
    await h.waitFor(task, isStarted);
    expect((await worker.stop()).code).toBe(0);
    expect(await h.client.get(task.owner, task.id)).toMatchObject({
      status: 'PENDING',
      attempts: 0,
    });
    await h.startWorker();
    const done = await h.waitFor(task);
    expect(done).toMatchObject({ status: 'SUCCESS', attempts: 1 });
    await h.stopWorkers();
  });
});
