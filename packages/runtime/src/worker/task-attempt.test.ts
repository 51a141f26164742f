import {
  jetstream,
  jetstreamManager,
  type Consumer,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  consumerName,
  ErrorCode,
  retryDelayRange,
  STREAMS,
  subjects,
  TASK_CATALOG,
  type DeadLetter,
  type TaskEvent,
  type TaskState,
} from '@wadm/contracts';
import { NatsServer, pollUntil } from '@wadm/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ArtifactStore } from '../artifacts.js';
import { NonRetryableError, toErrorData } from '../errors.js';
import { EventPublisher } from '../events.js';
import { createLogger } from '../logger.js';
import { provision } from '../provision.js';
import { TaskStore, type StoredState } from '../task-store.js';
import { isoNow } from '../time.js';
import { UsageLedger } from '../usage-ledger.js';
import { initialState, parseCommand, type ParsedCommand } from './command-parser.js';
import type { ExecutionDeps } from './execution-deps.js';
import { TaskAttempt } from './task-attempt.js';

const POLICY = TASK_CATALOG['diagnostics.echo'].retry;
const RETRYABLE = toErrorData(new Error('flaky upstream'));
const NON_RETRYABLE = toErrorData(new NonRetryableError('bad input'));

let server: NatsServer;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
let consumer: Consumer;
let store: TaskStore;
let artifacts: ArtifactStore;
let ids = 0;

beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url });
  await provision(nc);
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
  consumer = await js.consumers.get(STREAMS.tasks, consumerName('diagnostics', 'normal'));
  store = await TaskStore.open(nc);
  artifacts = await ArtifactStore.open(nc);
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

function depsFor(opts: Partial<Pick<ExecutionDeps, 'inlineResultMaxBytes' | 'usage'>> = {}) {
  const deps: ExecutionDeps = {
    js,
    store,
    events: new EventPublisher(nc),
    artifacts,
    handlers: {},
    workerId: 'attempt-test.1',
    logger: createLogger('attempt-test', 'silent'),
    inlineResultMaxBytes: opts.inlineResultMaxBytes ?? 1_024,
    usage: opts.usage,
    progressIntervalMs: 100,
    running: new Map(),
    counters: { succeeded: 0, failed: 0, retried: 0, revoked: 0 },
  };
  return deps;
}

/**
 * The next delivery of the message with this id on diagnostics_normal. A message some earlier,
 * failed test left behind is dropped, so that one failure does not fail every test after it.
 */
async function pull(id: string): Promise<JsMsg> {
  for (;;) {
    const msg = await consumer.next({ expires: 5_000 });
    if (!msg) throw new Error(`${id} was not delivered`);
    if (msg.headers?.get('Nats-Msg-Id') === id) return msg;
    await msg.ackAck();
  }
}

interface Delivery {
  msg: JsMsg;
  task: ParsedCommand;
  /** Which of ack / nak / term the attempt called, and with what (the real methods still run). */
  settled: { ack: () => number; nak: () => unknown[][]; term: () => number };
}

/** Publishes an echo command and pulls it back off the real consumer. */
async function deliver(owner = 'alice'): Promise<Delivery> {
  const id = `a${process.pid}-${++ids}`;
  const body = JSON.stringify({ id, owner, type: 'diagnostics.echo', params: {} });
  await js.publish(subjects.task('diagnostics', 'normal'), body, { msgID: id });
  const msg = await pull(id);
  const task = parseCommand(msg);
  if (!task.ok) throw new Error(task.error.message);
  const ack = vi.spyOn(msg, 'ack');
  const nak = vi.spyOn(msg, 'nak');
  const term = vi.spyOn(msg, 'term');
  const settled = {
    ack: () => ack.mock.calls.length,
    nak: () => nak.mock.calls,
    term: () => term.mock.calls.length,
  };
  return { msg, task, settled };
}

/** What executeTask does when a delivery starts a task: STARTED, attempts counted. */
async function start(
  deps: ExecutionDeps,
  { msg, task }: Delivery,
  attempts = 1,
): Promise<{ attempt: TaskAttempt; started: StoredState }> {
  const started = await deps.store.mutate(task.owner, task.id, (cur) => {
    const base = cur ?? initialState(task);
    return { ...base, status: 'STARTED', attempts, startedAt: isoNow(), seq: base.seq + 1 };
  });
  if (!started) throw new Error('not started');
  return { attempt: TaskAttempt.started(msg, task, deps, started), started };
}

/** Another writer (a client cancelling, another worker) changes the state meanwhile. */
async function otherWriter(task: ParsedCommand, change: Partial<TaskState>): Promise<StoredState> {
  const written = await store.mutate(task.owner, task.id, (cur) => cur && { ...cur, ...change });
  if (!written) throw new Error('nothing to change');
  return written;
}

async function stateOf(task: ParsedCommand): Promise<StoredState | null> {
  return store.get(task.owner, task.id);
}

async function lastEvent(task: ParsedCommand): Promise<TaskEvent | undefined> {
  const m = await jsm.streams.getMessage(STREAMS.events, {
    last_by_subj: subjects.event(task.owner, task.id),
  });
  return m?.json<TaskEvent>();
}

async function lastDeadLetter(): Promise<DeadLetter | undefined> {
  const m = await jsm.streams.getMessage(STREAMS.dlq, {
    last_by_subj: subjects.dlq('diagnostics'),
  });
  return m?.json<DeadLetter>();
}

/** Resolves once the work queue has dropped the message (acked or termed), or fails. */
async function removedFromQueue(msg: JsMsg): Promise<void> {
  const gone = await pollUntil(
    async () =>
      (await jsm.streams.getMessage(STREAMS.tasks, { seq: msg.seq })) ? undefined : true,
    { timeoutMs: 5_000, intervalMs: 20 },
  );
  expect(gone, `message ${msg.seq} still in ${STREAMS.tasks}`).toBe(true);
}

describe('TaskAttempt', () => {
  it('TaskAttempt - success writes SUCCESS with the result inline, publishes it and acks', async () => {
    const deps = depsFor();
    const delivery = await deliver();
    const { attempt, started } = await start(deps, delivery);

    await attempt.succeed({ answer: 42 });

    const after = await stateOf(delivery.task);
    expect(after?.state).toMatchObject({
      status: 'SUCCESS',
      progress: 1,
      result: { answer: 42 },
      attempts: 1,
      seq: started.state.seq + 1,
    });
    expect(after?.state.resultRef).toBeUndefined();
    expect(after?.state.finishedAt).toBeDefined();
    expect(await lastEvent(delivery.task)).toMatchObject({
      status: 'SUCCESS',
      result: { answer: 42 },
      seq: started.state.seq + 1,
    });
    expect(delivery.settled.ack()).toBe(1);
    expect(delivery.settled.nak()).toHaveLength(0);
    expect(deps.counters).toMatchObject({ succeeded: 1, failed: 0, retried: 0 });
    await removedFromQueue(delivery.msg);
  });

  it('TaskAttempt - a result above the inline limit goes to ARTIFACTS, charged to its owner', async () => {
    const ledger = await UsageLedger.open(nc);
    const deps = depsFor({ inlineResultMaxBytes: 16, usage: { ledger, quotaBytes: 1_000_000 } });
    const delivery = await deliver('bigresults');
    const { attempt } = await start(deps, delivery);
    const result = { padding: 'x'.repeat(100) };

    await attempt.succeed(result);

    const { state } = (await stateOf(delivery.task)) ?? {};
    const name = `results/${delivery.task.owner}/${delivery.task.id}.json`;
    expect(state).toMatchObject({
      status: 'SUCCESS',
      resultRef: { name, contentType: 'application/json', fileName: `${delivery.task.id}.json` },
    });
    expect(state?.result).toBeUndefined();
    const bytes = await artifacts.get(name);
    expect(JSON.parse(new TextDecoder().decode(bytes ?? new Uint8Array()))).toEqual(result);
    expect(await ledger.bytes('bigresults')).toBe(state?.resultRef?.size);
    expect(delivery.settled.ack()).toBe(1);
    await removedFromQueue(delivery.msg);
  });

  it("TaskAttempt - a retryable error with attempts left writes RETRY and naks with the policy's delay", async () => {
    const deps = depsFor();
    const delivery = await deliver();
    const { attempt } = await start(deps, delivery);
    const before = Date.now();

    await attempt.failed(RETRYABLE);
    const naked = Date.now();

    const [lo, hi] = retryDelayRange(POLICY, 1);
    expect(delivery.settled.nak()).toHaveLength(1);
    const delay = delivery.settled.nak()[0]?.[0] as number;
    expect(delay).toBeGreaterThanOrEqual(lo);
    expect(delay).toBeLessThanOrEqual(hi);
    const { state } = (await stateOf(delivery.task)) ?? {};
    expect(state).toMatchObject({ status: 'RETRY', attempts: 1, error: RETRYABLE });
    const retryAt = Date.parse(state?.nextRetryAt ?? '');
    expect(retryAt).toBeGreaterThanOrEqual(before + delay);
    expect(retryAt).toBeLessThanOrEqual(naked + delay);
    expect(delivery.settled.ack() + delivery.settled.term()).toBe(0);
    expect(deps.counters).toMatchObject({ retried: 1, failed: 0 });

    // The server holds the message back for the delay, then delivers it again.
    const again = await pull(delivery.task.id);
    expect(Date.now() - naked).toBeGreaterThanOrEqual(delay - 20);
    expect(again.info.deliveryCount).toBe(2);
    await again.ackAck();
  });

  it.each([
    ['the last attempt of a retryable error', RETRYABLE, POLICY.maxAttempts],
    ['a non-retryable error on the first attempt', NON_RETRYABLE, 1],
  ])(
    'TaskAttempt - %s is dead-lettered, written as FAILURE and termed',
    async (_, error, attempts) => {
      const deps = depsFor();
      const delivery = await deliver();
      const { attempt } = await start(deps, delivery, attempts);

      await attempt.failed(error);

      expect(await lastDeadLetter()).toMatchObject({
        taskId: delivery.task.id,
        owner: delivery.task.owner,
        type: 'diagnostics.echo',
        subject: delivery.msg.subject,
        command: delivery.task.raw,
        error,
        attempts,
        worker: deps.workerId,
      });
      expect((await stateOf(delivery.task))?.state).toMatchObject({
        status: 'FAILURE',
        error,
        attempts,
      });
      expect(await lastEvent(delivery.task)).toMatchObject({
        status: 'FAILURE',
        error_code: error.code,
      });
      expect(delivery.settled.term()).toBe(1);
      expect(delivery.settled.ack()).toBe(0);
      expect(delivery.settled.nak()).toHaveLength(0);
      expect(deps.counters).toMatchObject({ failed: 1, retried: 0 });
      await removedFromQueue(delivery.msg);
    },
  );

  it.each([
    ['a success', (a: TaskAttempt) => a.succeed('done')],
    ['a retryable error', (a: TaskAttempt) => a.failed(RETRYABLE)],
  ])('TaskAttempt - a revoke requested meanwhile wins over %s', async (_, settle) => {
    const deps = depsFor();
    const delivery = await deliver();
    const { attempt } = await start(deps, delivery);
    const revoke = await otherWriter(delivery.task, { revokeRequested: true });

    await settle(attempt);

    const { state } = (await stateOf(delivery.task)) ?? {};
    expect(state).toMatchObject({ status: 'REVOKED', seq: revoke.state.seq + 1 });
    expect(state?.result).toBeUndefined();
    expect(await lastEvent(delivery.task)).toMatchObject({ status: 'REVOKED' });
    expect(delivery.settled.ack()).toBe(1);
    expect(delivery.settled.nak()).toHaveLength(0);
    await removedFromQueue(delivery.msg);
  });

  it('TaskAttempt - a state another writer already settled is not overwritten', async () => {
    const deps = depsFor();
    const delivery = await deliver();
    const { attempt } = await start(deps, delivery);
    const theirs = await otherWriter(delivery.task, { status: 'SUCCESS', result: 'theirs' });

    await attempt.succeed('mine');

    expect(await stateOf(delivery.task)).toEqual(theirs);
    expect(delivery.settled.ack()).toBe(1);
    await removedFromQueue(delivery.msg);
  });

  it('TaskAttempt - a result past the storage quota fails with STORAGE_QUOTA_EXCEEDED', async () => {
    const ledger = await UsageLedger.open(nc);
    const deps = depsFor({ inlineResultMaxBytes: 16, usage: { ledger, quotaBytes: 50 } });
    const delivery = await deliver('overquota');
    const { attempt } = await start(deps, delivery);

    await attempt.succeed({ padding: 'x'.repeat(100) });

    const error = { code: ErrorCode.STORAGE_QUOTA_EXCEEDED, retryable: false };
    expect((await stateOf(delivery.task))?.state).toMatchObject({ status: 'FAILURE', error });
    expect(await lastDeadLetter()).toMatchObject({ taskId: delivery.task.id, error });
    expect(await artifacts.get(`results/overquota/${delivery.task.id}.json`)).toBeNull();
    expect(await ledger.bytes('overquota')).toBe(0);
    expect(delivery.settled.term()).toBe(1);
    expect(deps.counters).toMatchObject({ succeeded: 0, failed: 1 });
    await removedFromQueue(delivery.msg);
  });

  it('TaskAttempt - settles from the state it wrote without reading it again', async () => {
    const deps = depsFor();
    const delivery = await deliver();
    const { attempt } = await start(deps, delivery);
    const get = vi.spyOn(store, 'get');

    await attempt.succeed('done');

    expect(get).not.toHaveBeenCalled();
    expect((await stateOf(delivery.task))?.state.status).toBe('SUCCESS');
  });

  it('TaskAttempt - the settled event comes after the last progress event', async () => {
    const deps = depsFor();
    const delivery = await deliver();
    const { attempt, started } = await start(deps, delivery);

    expect([attempt.nextEventSeq(), attempt.nextEventSeq()]).toEqual([
      started.state.seq + 1,
      started.state.seq + 2,
    ]);
    await attempt.succeed('done');

    expect((await stateOf(delivery.task))?.state.seq).toBe(started.state.seq + 3);
    expect((await lastEvent(delivery.task))?.seq).toBe(started.state.seq + 3);
  });

  it('TaskAttempt - a hand-back returns the task to PENDING, uncounted, for another worker', async () => {
    const deps = depsFor();
    const delivery = await deliver();
    const { attempt } = await start(deps, delivery, 2);

    await attempt.handBack();

    expect((await stateOf(delivery.task))?.state).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      deferrals: 1,
    });
    expect(delivery.settled.nak()).toEqual([[]]);
    const again = await pull(delivery.task.id);
    expect(again.info.deliveryCount).toBe(2);
    await again.ackAck();
  });

  it('TaskAttempt - a command that cannot run fails without an attempt, creating its state', async () => {
    const deps = depsFor();
    const id = `a${process.pid}-${++ids}`;
    const body = '{"type":"diagnostics.echo"';
    await js.publish(subjects.task('diagnostics', 'normal'), body, { msgID: id });
    const msg = await pull(id);
    const rejected = parseCommand(msg);
    if (rejected.ok) throw new Error('parsed');
    const term = vi.spyOn(msg, 'term');

    await new TaskAttempt(msg, rejected, deps, { attempts: 0 }).failed(rejected.error);

    const error = { code: ErrorCode.MALFORMED_COMMAND, retryable: false };
    expect((await store.get(rejected.owner, id))?.state).toMatchObject({
      status: 'FAILURE',
      type: 'unknown',
      attempts: 0,
      error,
    });
    expect(await lastDeadLetter()).toMatchObject({ taskId: id, command: body, error });
    expect(term).toHaveBeenCalledTimes(1);
    await removedFromQueue(msg);
  });
});
