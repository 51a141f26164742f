import type { JsMsg } from '@nats-io/jetstream';
import {
  ErrorCode,
  isTerminal,
  retryDelayMs,
  TASK_CATALOG,
  type ArtifactRef,
  type TaskErrorData,
  type TaskState,
} from '@wadm/contracts';
import type { ArtifactStore } from '../artifacts.js';
import { StorageQuotaError, toErrorData } from '../errors.js';
import type { StoredState } from '../task-store.js';
import { newTaskState } from '../state-factory.js';
import { isoNow } from '../time.js';
import { parseCommand, type ParsedCommand, type RejectedCommand } from './command-parser.js';
import { runHandler, type HandlerOutcome } from './handler-run.js';
import { ProgressReporter } from './progress-reporter.js';
import type { ExecutionDeps, RunningTask } from './execution-deps.js';
import { publishDeadLetter } from './dead-letters.js';

/** Anything within this of its ETA runs now rather than wait out a few milliseconds. */
const ETA_SLACK_MS = 5;

/**
 * One delivery of one task message: decides whether it runs, runs it, and settles it — state
 * first, then the message (ack, nak with delay, or term), so a crash in between only causes a
 * redelivery that finds the settled state.
 */
export async function executeTask(msg: JsMsg, deps: ExecutionDeps): Promise<void> {
  const parsed = parseCommand(msg);
  if (!parsed.ok) return rejectCommand(msg, parsed, deps);
  const { store } = deps;
  const stored = await store.get(parsed.owner, parsed.id);
  if (stored && isTerminal(stored.state.status)) {
    // Finished, failed or revoked already: a redelivery, or a revoked task being dropped.
    msg.ack();
    return;
  }
  if (stored?.state.revokeRequested) return settleRevoked(msg, parsed, deps, { known: stored });

  const eta = parsed.command.notBefore ?? stored?.state.notBefore;
  const etaWait = eta ? Date.parse(eta) - Date.now() : 0;
  if (etaWait > ETA_SLACK_MS) return deferUntilEta(msg, parsed, deps, etaWait);

  // Counted from the state, not the delivery count: a message delivered to a worker that died
  // before it looked at it was never attempted, while a STARTED state left by a dead worker was.
  const attempt = (stored?.state.attempts ?? 0) + 1;
  const maxAttempts = stored?.state.maxAttempts ?? initialState(parsed).maxAttempts;
  if (attempt > maxAttempts) {
    const workerLost = stored?.state.status === 'STARTED';
    return settleFailure(
      msg,
      parsed,
      deps,
      attempt - 1,
      {
        code: workerLost ? ErrorCode.WORKER_LOST : ErrorCode.MAX_ATTEMPTS_EXCEEDED,
        message: workerLost
          ? `the worker died during attempt ${attempt - 1} of ${maxAttempts}; giving up`
          : `${maxAttempts} attempts used`,
        retryable: false,
      },
      { known: stored },
    );
  }
  const started = await store.mutate(
    parsed.owner,
    parsed.id,
    (cur) => {
      if (cur && (isTerminal(cur.status) || cur.revokeRequested)) return null;
      const base = cur ?? initialState(parsed);
      const next: TaskState = {
        ...base,
        status: 'STARTED',
        attempts: attempt,
        progress: 0,
        startedAt: isoNow(),
        updatedAt: isoNow(),
        worker: deps.workerId,
        seq: base.seq + 1,
      };
      delete next.nextRetryAt;
      delete next.error;
      return next;
    },
    stored,
  );

  if (!started || started.state.status !== 'STARTED') {
    // Revoked or finished between our read and our write: look again from the top.
    if (started?.state.revokeRequested) return settleRevoked(msg, parsed, deps, { known: started });
    msg.ack();
    return;
  }
  await deps.events.publish(started.state);
  await runAttempt(msg, parsed, deps, started);
}

function initialState(parsed: ParsedCommand): TaskState {
  return newTaskState({
    id: parsed.id,
    owner: parsed.owner,
    type: parsed.type,
    queue: parsed.queue,
    priority: parsed.priority,
    params: parsed.command.params,
    command: parsed.command,
  });
}

async function runAttempt(
  msg: JsMsg,
  parsed: ParsedCommand,
  deps: ExecutionDeps,
  started: StoredState,
): Promise<void> {
  const def = TASK_CATALOG[parsed.type];
  const handler = deps.handlers[parsed.type];
  if (!handler) {
    return settleFailure(
      msg,
      parsed,
      deps,
      started.state.attempts,
      {
        code: ErrorCode.NO_HANDLER,
        message: `this worker (${deps.workerId}) has no handler for ${parsed.type}`,
        retryable: false,
      },
      { seq: started.state.seq, known: started },
    );
  }
  const timeLimitMs = Math.min(def.limits.timeLimitMs, parsed.command.timeLimitMs ?? Infinity);
  const softTimeLimitMs = Math.min(
    def.limits.softTimeLimitMs,
    parsed.command.softTimeLimitMs ?? Infinity,
    timeLimitMs,
  );
  const controller = new AbortController();
  const running: RunningTask = { msg, controller, owner: parsed.owner, id: parsed.id };
  let seq = started.state.seq;
  let progress = 0;
  const reporter = new ProgressReporter(deps.progressIntervalMs, (fraction, message) => {
    progress = fraction;
    seq += 1;
    const snapshot = { ...started.state, progress, seq };
    if (message !== undefined) snapshot.progressMessage = message;
    void deps.events.publish(snapshot, message).catch((err: unknown) => {
      deps.logger.debug({ err, task: parsed.id }, 'progress event not sent');
    });
  });
  deps.running.set(runningKey(parsed), running);
  let outcome: HandlerOutcome;
  try {
    outcome = await runHandler(
      handler,
      {
        id: parsed.id,
        owner: parsed.owner,
        type: parsed.type,
        params: parsed.command.params,
        attempt: started.state.attempts,
        maxAttempts: started.state.maxAttempts,
        progress: (fraction, message) => reporter.report(fraction, message),
        logger: deps.logger.child({ task: parsed.id, type: parsed.type }),
        artifacts: artifactsOf(parsed, deps),
        worker: deps.workerId,
      },
      controller,
      { softTimeLimitMs, timeLimitMs },
    );
  } finally {
    reporter.close();
    deps.running.delete(runningKey(parsed));
  }
  const attempts = started.state.attempts;
  switch (outcome.kind) {
    case 'success':
      return settleSuccess(msg, parsed, deps, outcome.result, attempts, { seq, known: started });
    case 'revoked':
      return settleRevoked(msg, parsed, deps, { seq, known: started });
    case 'interrupted':
      return handBack(msg, parsed, deps);
    case 'error':
      if (outcome.error.retryable && attempts < started.state.maxAttempts) {
        return settleRetry(msg, parsed, deps, attempts, outcome.error, { seq, known: started });
      }
      return settleFailure(msg, parsed, deps, attempts, outcome.error, { seq, known: started });
  }
}

/** The artifact store as the task's owner writes to it: each write charged to their quota. */
function artifactsOf(parsed: ParsedCommand, deps: ExecutionDeps): ArtifactStore {
  const { usage } = deps;
  if (!usage) return deps.artifacts;
  return deps.artifacts.chargedTo((bytes) =>
    usage.ledger.charge(parsed.owner, bytes, usage.quotaBytes),
  );
}

export function runningKey(task: { owner: string; id: string }): string {
  return `${task.owner}.${task.id}`;
}

/**
 * What an attempt knows when it settles: the last progress event's seq (those are not stored, so
 * the settled event must come after it) and the state entry it last wrote, which saves a read.
 */
interface SettleContext {
  seq?: number;
  known?: StoredState | null;
}

/** Writes a terminal or RETRY state unless another writer got there first; revokes win. */
async function settle(
  parsed: ParsedCommand | RejectedCommand,
  deps: ExecutionDeps,
  build: (cur: TaskState) => TaskState,
  context: SettleContext = {},
): Promise<StoredState | null> {
  const lastSeq = context.seq ?? 0;
  const result = await deps.store.mutate(
    parsed.owner,
    parsed.id,
    (cur) => {
      const base = cur ?? stateFor(parsed);
      if (isTerminal(base.status)) return null;
      const now = isoNow();
      const seq = Math.max(base.seq, lastSeq) + 1;
      if (base.revokeRequested) {
        return { ...base, status: 'REVOKED', finishedAt: now, updatedAt: now, seq };
      }
      return { ...build(base), updatedAt: now, seq };
    },
    context.known,
  );
  if (result) await deps.events.publish(result.state);
  return result;
}

function stateFor(parsed: ParsedCommand | RejectedCommand): TaskState {
  if (parsed.ok) return initialState(parsed);
  return newTaskState({
    id: parsed.id,
    owner: parsed.owner,
    type: parsed.type || 'unknown',
    queue: parsed.queue,
    priority: parsed.priority,
    params: parsed.params,
  });
}

async function settleSuccess(
  msg: JsMsg,
  parsed: ParsedCommand,
  deps: ExecutionDeps,
  result: unknown,
  attempts: number,
  context: SettleContext,
): Promise<void> {
  const json = JSON.stringify(result ?? null);
  let ref: ArtifactRef | undefined;
  if (json.length > deps.inlineResultMaxBytes) {
    try {
      ref = await artifactsOf(parsed, deps).put(
        `results/${parsed.owner}/${parsed.id}.json`,
        new TextEncoder().encode(json),
        'application/json',
        `${parsed.id}.json`,
      );
    } catch (err) {
      // Running again would produce the same result: the task fails, and says why.
      if (!(err instanceof StorageQuotaError)) throw err;
      return settleFailure(msg, parsed, deps, attempts, toErrorData(err), context);
    }
  }
  await settle(
    parsed,
    deps,
    (cur) => {
      const next: TaskState = { ...cur, status: 'SUCCESS', progress: 1, finishedAt: isoNow() };
      if (ref) next.resultRef = ref;
      else next.result = result ?? null;
      return next;
    },
    context,
  );
  deps.counters.succeeded++;
  msg.ack();
}

async function settleRetry(
  msg: JsMsg,
  parsed: ParsedCommand,
  deps: ExecutionDeps,
  attempts: number,
  error: TaskErrorData,
  context: SettleContext,
): Promise<void> {
  const delay = retryDelayMs(TASK_CATALOG[parsed.type].retry, attempts);
  const settled = await settle(
    parsed,
    deps,
    (cur) => ({
      ...cur,
      status: 'RETRY',
      error,
      nextRetryAt: new Date(Date.now() + delay).toISOString(),
    }),
    context,
  );
  if (settled?.state.status === 'REVOKED') {
    msg.ack();
    return;
  }
  deps.counters.retried++;
  msg.nak(delay);
}

async function settleFailure(
  msg: JsMsg,
  parsed: ParsedCommand | RejectedCommand,
  deps: ExecutionDeps,
  attempts: number,
  error: TaskErrorData,
  context: SettleContext = {},
): Promise<void> {
  // The dead letter goes first: term() deletes the message from the work queue for good.
  await publishDeadLetter(deps, msg, parsed, attempts, error);
  await settle(
    parsed,
    deps,
    (cur) => ({
      ...cur,
      status: 'FAILURE',
      error,
      attempts: Math.max(cur.attempts, attempts),
      finishedAt: isoNow(),
    }),
    context,
  );
  deps.counters.failed++;
  msg.term();
}

async function settleRevoked(
  msg: JsMsg,
  parsed: ParsedCommand,
  deps: ExecutionDeps,
  context: SettleContext = {},
): Promise<void> {
  await settle(
    parsed,
    deps,
    (cur) => ({ ...cur, status: 'REVOKED', finishedAt: isoNow() }),
    context,
  );
  deps.counters.revoked++;
  msg.ack();
}

function rejectCommand(msg: JsMsg, parsed: RejectedCommand, deps: ExecutionDeps): Promise<void> {
  deps.logger.warn({ task: parsed.id, code: parsed.error.code }, parsed.error.message);
  return settleFailure(msg, parsed, deps, 0, parsed.error);
}

/** ETA not reached: record a delivery that is not an attempt, and come back at the ETA. */
async function deferUntilEta(
  msg: JsMsg,
  parsed: ParsedCommand,
  deps: ExecutionDeps,
  waitMs: number,
): Promise<void> {
  await recordDeferral(parsed, deps);
  msg.nak(waitMs);
}

/** Shutdown with the task unfinished: give it back for another worker, not as an attempt. */
async function handBack(msg: JsMsg, parsed: ParsedCommand, deps: ExecutionDeps): Promise<void> {
  await recordDeferral(parsed, deps, 'PENDING');
  msg.nak();
}

/** A buffered message handed back unstarted on shutdown. */
export async function handBackUnstarted(msg: JsMsg, deps: ExecutionDeps): Promise<void> {
  const parsed = parseCommand(msg);
  if (parsed.ok) await recordDeferral(parsed, deps);
  msg.nak();
}

async function recordDeferral(
  parsed: ParsedCommand,
  deps: ExecutionDeps,
  status?: 'PENDING',
): Promise<void> {
  await deps.store.mutate(parsed.owner, parsed.id, (cur) => {
    const base = cur ?? initialState(parsed);
    if (isTerminal(base.status)) return null;
    const next: TaskState = { ...base, deferrals: base.deferrals + 1, updatedAt: isoNow() };
    if (status) {
      next.status = status;
      next.attempts = Math.max(0, base.attempts - 1);
    }
    return next;
  });
}
