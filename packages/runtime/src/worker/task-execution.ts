import type { JsMsg } from '@nats-io/jetstream';
import { ErrorCode, isTerminal, TASK_CATALOG, type TaskState } from '@wadm/contracts';
import type { StoredState } from '../task-store.js';
import { isoNow } from '../time.js';
import {
  initialState,
  parseCommand,
  type ParsedCommand,
  type RejectedCommand,
} from './command-parser.js';
import { recordDeferral } from './deferral.js';
import type { ExecutionDeps, RunningTask } from './execution-deps.js';
import { runHandler, type HandlerOutcome } from './handler-run.js';
import { ProgressReporter } from './progress-reporter.js';
import { TaskAttempt } from './task-attempt.js';

/** Anything within this of its ETA runs now rather than wait out a few milliseconds. */
const ETA_SLACK_MS = 5;

/**
 * One delivery of one task message: decides whether it runs, runs it, and settles it through a
 * {@link TaskAttempt} (state first, then the message).
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
  if (stored?.state.revokeRequested) return unstarted(msg, parsed, deps, stored).revoked();

  const eta = parsed.command.notBefore ?? stored?.state.notBefore;
  const etaWait = eta ? Date.parse(eta) - Date.now() : 0;
  if (etaWait > ETA_SLACK_MS) return deferUntilEta(msg, parsed, deps, etaWait);

  // Counted from the state, not the delivery count: a message delivered to a worker that died
  // before it looked at it was never attempted, while a STARTED state left by a dead worker was.
  const attempt = (stored?.state.attempts ?? 0) + 1;
  const maxAttempts = stored?.state.maxAttempts ?? initialState(parsed).maxAttempts;
  if (attempt > maxAttempts) {
    const workerLost = stored?.state.status === 'STARTED';
    return new TaskAttempt(msg, parsed, deps, { attempts: attempt - 1, known: stored }).fail({
      code: workerLost ? ErrorCode.WORKER_LOST : ErrorCode.MAX_ATTEMPTS_EXCEEDED,
      message: workerLost
        ? `the worker died during attempt ${attempt - 1} of ${maxAttempts}; giving up`
        : `${maxAttempts} attempts used`,
      retryable: false,
    });
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
    if (started?.state.revokeRequested) return unstarted(msg, parsed, deps, started).revoked();
    msg.ack();
    return;
  }
  await deps.events.publish(started.state);
  await runAttempt(TaskAttempt.started(msg, parsed, deps, started), started.state, deps);
}

/** A delivery settled without starting an attempt, from the state it read. */
function unstarted(
  msg: JsMsg,
  parsed: ParsedCommand,
  deps: ExecutionDeps,
  known: StoredState,
): TaskAttempt {
  return new TaskAttempt(msg, parsed, deps, { attempts: known.state.attempts, known });
}

async function runAttempt(
  attempt: TaskAttempt,
  started: TaskState,
  deps: ExecutionDeps,
): Promise<void> {
  const { msg, task } = attempt;
  const def = TASK_CATALOG[task.type];
  const handler = deps.handlers[task.type];
  if (!handler) {
    return attempt.fail({
      code: ErrorCode.NO_HANDLER,
      message: `this worker (${deps.workerId}) has no handler for ${task.type}`,
      retryable: false,
    });
  }
  const timeLimitMs = Math.min(def.limits.timeLimitMs, task.command.timeLimitMs ?? Infinity);
  const softTimeLimitMs = Math.min(
    def.limits.softTimeLimitMs,
    task.command.softTimeLimitMs ?? Infinity,
    timeLimitMs,
  );
  const controller = new AbortController();
  const running: RunningTask = { msg, controller, owner: task.owner, id: task.id };
  const reporter = new ProgressReporter(deps.progressIntervalMs, (fraction, message) => {
    const snapshot = { ...started, progress: fraction, seq: attempt.nextEventSeq() };
    if (message !== undefined) snapshot.progressMessage = message;
    void deps.events.publish(snapshot, message).catch((err: unknown) => {
      deps.logger.debug({ err, task: task.id }, 'progress event not sent');
    });
  });
  deps.running.set(runningKey(task), running);
  let outcome: HandlerOutcome;
  try {
    outcome = await runHandler(
      handler,
      {
        id: task.id,
        owner: task.owner,
        type: task.type,
        params: task.command.params,
        attempt: attempt.attempts,
        maxAttempts: attempt.maxAttempts,
        progress: (fraction, message) => reporter.report(fraction, message),
        logger: deps.logger.child({ task: task.id, type: task.type }),
        artifacts: attempt.artifacts,
        worker: deps.workerId,
      },
      controller,
      { softTimeLimitMs, timeLimitMs },
    );
  } finally {
    reporter.close();
    deps.running.delete(runningKey(task));
  }
  switch (outcome.kind) {
    case 'success':
      return attempt.succeed(outcome.result);
    case 'revoked':
      return attempt.revoked();
    case 'interrupted':
      return attempt.handBack();
    case 'error':
      return attempt.failed(outcome.error);
  }
}

export function runningKey(task: { owner: string; id: string }): string {
  return `${task.owner}.${task.id}`;
}

function rejectCommand(msg: JsMsg, parsed: RejectedCommand, deps: ExecutionDeps): Promise<void> {
  deps.logger.warn({ task: parsed.id, code: parsed.error.code }, parsed.error.message);
  return new TaskAttempt(msg, parsed, deps, { attempts: 0 }).fail(parsed.error);
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

/** A buffered message handed back unstarted on shutdown. */
export async function handBackUnstarted(msg: JsMsg, deps: ExecutionDeps): Promise<void> {
  const parsed = parseCommand(msg);
  if (parsed.ok) await recordDeferral(parsed, deps);
  msg.nak();
}
