import type { JsMsg } from '@nats-io/jetstream';
import {
  isTerminal,
  retryDelayMs,
  TASK_CATALOG,
  type ArtifactRef,
  type TaskErrorData,
  type TaskState,
  type TaskType,
} from '@wadm/contracts';
import type { ArtifactStore } from '../artifacts.js';
import { StorageQuotaError, toErrorData } from '../errors.js';
import type { StoredState } from '../task-store.js';
import { isoNow } from '../time.js';
import { initialState, type ParsedCommand, type RejectedCommand } from './command-parser.js';
import { publishDeadLetter } from './dead-letters.js';
import { recordDeferral } from './deferral.js';
import type { ExecutionDeps } from './execution-deps.js';

/** Where an attempt stands when it is created. */
export interface AttemptStart {
  /** Attempts made, this one included; for a delivery that started none, those made before. */
  attempts: number;
  /**
   * Attempts allowed: a retryable error with fewer made is retried.
   * @defaultValue `attempts` (never retried)
   */
  maxAttempts?: number;
  /**
   * The state entry last read or written, so settling skips a read (its CAS still catches any
   * writer in between); `null` when there is none. Unset: settling reads it.
   */
  known?: StoredState | null;
  /**
   * The last event seq used. Progress events are not stored, so the settled event must come
   * after the last of them. @defaultValue 0
   */
  lastSeq?: number;
}

/**
 * One delivery of a task message and how it settles, as BullMQ's `Job.moveToCompleted` /
 * `moveToFailed`: state first (compare-and-set from the entry it last saw), then the message
 * (ack, nak with the retry policy's delay, or term), so a crash in between only causes a
 * redelivery that finds the settled state. A revoke requested meanwhile wins over the outcome,
 * and a state another writer already settled is left as it is. Deliveries that end before an
 * attempt starts (a rejected command, a revoked task, attempts used up) settle through it too.
 */
export class TaskAttempt<T extends ParsedCommand | RejectedCommand = ParsedCommand> {
  readonly attempts: number;
  readonly maxAttempts: number;
  private readonly known: StoredState | null | undefined;
  private lastSeq: number;
  private charged: ArtifactStore | undefined;

  constructor(
    readonly msg: JsMsg,
    readonly task: T,
    private readonly deps: ExecutionDeps,
    start: AttemptStart,
  ) {
    this.attempts = start.attempts;
    this.maxAttempts = start.maxAttempts ?? start.attempts;
    this.known = start.known;
    this.lastSeq = start.lastSeq ?? 0;
  }

  /** The attempt a delivery began by writing `started`, its STARTED state. */
  static started(
    msg: JsMsg,
    task: ParsedCommand,
    deps: ExecutionDeps,
    started: StoredState,
  ): TaskAttempt {
    const { attempts, maxAttempts, seq } = started.state;
    return new TaskAttempt(msg, task, deps, {
      attempts,
      maxAttempts,
      known: started,
      lastSeq: seq,
    });
  }

  /** The artifact store as the task's owner writes to it: each write charged to their quota. */
  get artifacts(): ArtifactStore {
    if (this.charged) return this.charged;
    const { usage, artifacts } = this.deps;
    const owner = this.task.owner;
    this.charged = usage
      ? artifacts.chargedTo(
          (bytes) => usage.ledger.charge(owner, bytes, usage.quotaBytes),
          (bytes, chargedAt) => usage.ledger.refund(owner, bytes, chargedAt),
        )
      : artifacts;
    return this.charged;
  }

  /** The seq of a new progress event. */
  nextEventSeq(): number {
    this.lastSeq += 1;
    return this.lastSeq;
  }

  /**
   * SUCCESS with the result, inline up to `inlineResultMaxBytes` of JSON and in ARTIFACTS above
   * that, then ack. A result past its owner's storage quota fails the task instead.
   */
  async succeed(result: unknown): Promise<void> {
    const { task, deps } = this;
    const json = JSON.stringify(result ?? null);
    let ref: ArtifactRef | undefined;
    if (json.length > deps.inlineResultMaxBytes) {
      try {
        ref = await this.artifacts.put(
          `results/${task.owner}/${task.id}.json`,
          new TextEncoder().encode(json),
          'application/json',
          `${task.id}.json`,
        );
      } catch (err) {
        // Running again would produce the same result: the task fails, and says why.
        if (!(err instanceof StorageQuotaError)) throw err;
        return this.fail(toErrorData(err));
      }
    }
    await this.settle((cur) => {
      const next: TaskState = { ...cur, status: 'SUCCESS', progress: 1, finishedAt: isoNow() };
      if (ref) next.resultRef = ref;
      else next.result = result ?? null;
      return next;
    });
    deps.counters.succeeded++;
    this.msg.ack();
  }

  /** A failed attempt: retried while the error is retryable and attempts are left, else failed. */
  failed(error: TaskErrorData): Promise<void> {
    const task: ParsedCommand | RejectedCommand = this.task;
    if (error.retryable && task.ok && this.attempts < this.maxAttempts) {
      return this.retry(task.type, error);
    }
    return this.fail(error);
  }

  /** FAILURE for good: a dead letter in TASKS_DLQ, the state, then term. */
  async fail(error: TaskErrorData): Promise<void> {
    const { attempts, deps } = this;
    // The dead letter goes first: term() deletes the message from the work queue for good.
    await publishDeadLetter(deps, this.msg, this.task, attempts, error);
    await this.settle((cur) => ({
      ...cur,
      status: 'FAILURE',
      error,
      attempts: Math.max(cur.attempts, attempts),
      finishedAt: isoNow(),
    }));
    deps.counters.failed++;
    this.msg.term();
  }

  /** REVOKED, then ack. */
  async revoked(): Promise<void> {
    await this.settle((cur) => ({ ...cur, status: 'REVOKED', finishedAt: isoNow() }));
    this.deps.counters.revoked++;
    this.msg.ack();
  }

  /** Shutdown with the task unfinished: back to PENDING, not as an attempt, for another worker. */
  async handBack(): Promise<void> {
    const task: ParsedCommand | RejectedCommand = this.task;
    if (task.ok) await recordDeferral(task, this.deps, 'PENDING');
    this.msg.nak();
  }

  /** RETRY with the next retry time, then nak with the policy's delay (never a bare nak). */
  private async retry(type: TaskType, error: TaskErrorData): Promise<void> {
    const delay = retryDelayMs(TASK_CATALOG[type].retry, this.attempts);
    const settled = await this.settle((cur) => ({
      ...cur,
      status: 'RETRY',
      error,
      nextRetryAt: new Date(Date.now() + delay).toISOString(),
    }));
    if (settled?.state.status === 'REVOKED') {
      this.msg.ack();
      return;
    }
    this.deps.counters.retried++;
    this.msg.nak(delay);
  }

  /** Writes a terminal or RETRY state unless another writer got there first; revokes win. */
  private async settle(build: (cur: TaskState) => TaskState): Promise<StoredState | null> {
    const { task, deps, lastSeq } = this;
    const result = await deps.store.mutate(
      task.owner,
      task.id,
      (cur) => {
        const base = cur ?? initialState(task);
        if (isTerminal(base.status)) return null;
        const now = isoNow();
        const seq = Math.max(base.seq, lastSeq) + 1;
        if (base.revokeRequested) {
          return { ...base, status: 'REVOKED', finishedAt: now, updatedAt: now, seq };
        }
        return { ...build(base), updatedAt: now, seq };
      },
      this.known,
    );
    if (result) await deps.events.publish(result.state);
    return result;
  }
}
