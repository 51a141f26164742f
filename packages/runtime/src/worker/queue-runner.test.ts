import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Priority, TaskState } from '@wadm/contracts';
import { NatsServer } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../artifacts.js';
import { TaskClient } from '../client/task-client.js';
import { EventPublisher } from '../events.js';
import type { AnyHandler } from '../handlers.js';
import { createLogger } from '../logger.js';
import { provision } from '../provision.js';
import { TaskStore } from '../task-store.js';
import type { ExecutionDeps } from './execution-deps.js';
import { QueueRunner } from './queue-runner.js';

let server: NatsServer;
let nc: NatsConnection;
let client: TaskClient;

// A fresh server per file and the diagnostics queue drained by each test: the runner pulls
// whatever is on the queue's consumers.
beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url });
  await provision(nc);
  client = await TaskClient.open(nc);
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

/** A handler that holds every task until released, and records what ran and how many at once. */
function gate() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const started: unknown[] = [];
  let running = 0;
  let peak = 0;
  const handler: AnyHandler = async (ctx) => {
    running++;
    peak = Math.max(peak, running);
    started.push((ctx.params as { payload?: unknown }).payload);
    await released;
    running--;
    return { payload: null, attempt: ctx.attempt, worker: ctx.worker };
  };
  return { handler, release, started, peak: () => peak };
}

async function runnerWith(handler: AnyHandler, slots: number): Promise<QueueRunner> {
  const deps: ExecutionDeps = {
    js: jetstream(nc),
    store: await TaskStore.open(nc),
    events: new EventPublisher(nc),
    artifacts: await ArtifactStore.open(nc),
    handlers: { 'diagnostics.echo': handler },
    workerId: 'runner-test.1',
    logger: createLogger('runner-test', 'silent'),
    inlineResultMaxBytes: 65_536,
    usage: undefined,
    progressIntervalMs: 100,
    running: new Map(),
    counters: { succeeded: 0, failed: 0, retried: 0, revoked: 0 },
  };
  return new QueueRunner({ queue: 'diagnostics', slots, pullExpiresMs: 1_000 }, deps);
}

async function submit(payload: unknown, priority: Priority = 'normal'): Promise<TaskState> {
  const { state } = await client.submit({
    type: 'diagnostics.echo',
    params: { payload },
    priority,
  });
  return state;
}

const waitFor = (task: TaskState, until?: (s: TaskState) => boolean) =>
  client.waitFor(task.owner, task.id, { timeoutMs: 20_000, ...(until ? { until } : {}) });

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('queue runner', () => {
  it('QueueRunner - runs no more tasks at once than its slots, then all of them', async () => {
    const g = gate();
    const runner = await runnerWith(g.handler, 2);
    const tasks = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => submit(n)));
    runner.start();
    await until(() => g.started.length === 2);
    // Buffered beyond the slots: at most one waiting message per priority.
    expect(runner.buffered).toBeLessThanOrEqual(3);
    expect(runner.running).toBe(2);
    g.release();
    for (const t of tasks) expect((await waitFor(t)).status).toBe('SUCCESS');
    expect(g.peak()).toBe(2);
    await runner.stopPulling();
    await runner.idle();
  });

  it('QueueRunner - a freed slot takes the waiting high task before the waiting low one', async () => {
    const g = gate();
    const runner = await runnerWith(g.handler, 1);
    const blocker = await submit('blocker');
    runner.start();
    await until(() => g.started.length === 1);
    const low = await submit('low', 'low');
    const high = await submit('high', 'high');
    // Each priority buffers one message while the only slot is taken.
    await until(() => runner.buffered === 2);
    g.release();
    for (const t of [blocker, low, high]) expect((await waitFor(t)).status).toBe('SUCCESS');
    expect(g.started).toEqual(['blocker', 'high', 'low']);
    await runner.stopPulling();
    await runner.idle();
  });

  it('QueueRunner - stopping hands buffered messages back unstarted; running ones finish', async () => {
    const g = gate();
    const runner = await runnerWith(g.handler, 1);
    const tasks = await Promise.all(['a', 'b', 'c'].map((p) => submit(p)));
    runner.start();
    await until(() => g.started.length === 1 && runner.buffered === 1);
    await runner.stopPulling();
    expect(runner.buffered).toBe(0);
    g.release();
    await runner.idle();
    const states = await Promise.all(tasks.map((t) => client.get(t.owner, t.id)));
    const done = states.filter((s) => s?.status === 'SUCCESS');
    const waiting = states.filter((s) => s?.status === 'PENDING');
    expect(done).toHaveLength(1);
    // Handed back, not attempted: the next worker starts them from attempt 1.
    expect(waiting).toHaveLength(2);
    expect(waiting.every((s) => s?.attempts === 0)).toBe(true);
    // Whoever serves the queue next runs them.
    const again = gate();
    again.release();
    const resumed = await runnerWith(again.handler, 2);
    resumed.start();
    for (const t of tasks) expect((await waitFor(t)).status).toBe('SUCCESS');
    await resumed.stopPulling();
    await resumed.idle();
  });
});
