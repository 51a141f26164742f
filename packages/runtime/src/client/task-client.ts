import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  ErrorCode,
  HEADERS,
  isTaskType,
  isTerminal,
  isValidId,
  isValidOwner,
  IsoTime,
  subjects,
  SYSTEM_OWNER,
  TASK_CATALOG,
  TASK_TYPES,
  validate,
  validateParams,
  formatFieldErrors,
  type Priority,
  type TaskCommand,
  type TaskState,
  type TaskStatus,
} from '@wadm/contracts';
import { TaskRequestError } from '../errors.js';
import { EventPublisher } from '../events.js';
import { JetStreamWriter } from '../jetstream-writer.js';
import { newTaskState } from '../state-factory.js';
import { TaskStore } from '../task-store.js';
import { DURABLE_PUBLISH_RETRIES, isoNow } from '../time.js';
import { checkIdempotentReplay, idempotentId } from './idempotency.js';
import { listTasks, type ListFilters, type TaskPage } from './task-list.js';

export interface SubmitRequest {
  type: string;
  params: unknown;
  owner?: string;
  priority?: Priority;
  /** ETA: ISO-8601 time before which the task does not start. */
  notBefore?: string;
  /** The same key from the same owner returns the same task. */
  idempotencyKey?: string;
  softTimeLimitMs?: number;
  timeLimitMs?: number;
  maxAttempts?: number;
  retryOf?: string;
  traceparent?: string;
}

export interface SubmitResult {
  state: TaskState;
  /** True when the idempotency key matched an existing task. */
  duplicate: boolean;
}

export interface CancelResult {
  state: TaskState;
  /** REVOKED now, or a running task asked to stop. */
  outcome: 'revoked' | 'revoke-requested';
}

/**
 * Submits, reads, lists, cancels and watches tasks. The gateway, scheduler, CLI and tests share
 * it, so there is one way to write a PENDING state and publish its command.
 */
export class TaskClient {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly writer: JetStreamWriter,
    readonly store: TaskStore,
    private readonly events: EventPublisher,
  ) {}

  static async open(nc: NatsConnection): Promise<TaskClient> {
    const writer = JetStreamWriter.for(nc);
    return new TaskClient(nc, writer, await TaskStore.open(nc), new EventPublisher(nc));
  }

  async submit(req: SubmitRequest): Promise<SubmitResult> {
    const { command, state } = this.prepare(req);
    if (req.idempotencyKey) {
      const created = await this.store.create(state);
      if (!created) return this.existing(command, state);
      this.announce(state);
      await this.publish(command, state, req.traceparent);
    } else {
      // A fresh random id cannot collide: write and publish at once. A worker that sees the
      // command before the PENDING state lands creates the state itself.
      this.announce(state);
      const [, published] = await Promise.allSettled([
        this.store.create(state),
        this.publish(command, state, req.traceparent),
      ]);
      if (published.status === 'rejected') {
        await this.markUnpublished(state, published.reason);
        throw published.reason;
      }
    }
    return { state, duplicate: false };
  }

  /**
   * The PENDING event, sent before the command on the same connection, so the server stores it
   * before any event of a worker that runs the task.
   */
  private announce(state: TaskState): void {
    this.events.publish(state).catch(() => undefined);
  }

  /** A matched idempotency key: the stored task, published again if it never left PENDING. */
  private async existing(command: TaskCommand, state: TaskState): Promise<SubmitResult> {
    const stored = await this.store.get(state.owner, state.id);
    if (!stored) throw new TaskRequestError(ErrorCode.TASK_NOT_FOUND, 'task vanished');
    checkIdempotentReplay(stored.state, command.type, command.params);
    if (stored.state.status === 'PENDING') {
      // The first submitter may have died between its write and its publish; the message id
      // makes this a no-op inside the duplicate window when it did not.
      await this.publish(
        { ...command, params: stored.state.params as TaskCommand['params'] },
        stored.state,
      );
    }
    return { state: stored.state, duplicate: true };
  }

  /** The command never reached the stream: say so in the state rather than leave it PENDING. */
  private async markUnpublished(state: TaskState, reason: unknown): Promise<void> {
    const message = `command not published: ${reason instanceof Error ? reason.message : String(reason)}`;
    await this.store
      .mutate(state.owner, state.id, (cur) =>
        cur && cur.status === 'PENDING'
          ? {
              ...cur,
              status: 'FAILURE',
              error: { code: ErrorCode.PUBLISH_FAILED, message, retryable: true },
              finishedAt: isoNow(),
              updatedAt: isoNow(),
              seq: cur.seq + 1,
            }
          : null,
      )
      .catch(() => undefined);
  }

  private prepare(req: SubmitRequest): { command: TaskCommand; state: TaskState } {
    if (!isTaskType(req.type)) {
      throw new TaskRequestError(
        ErrorCode.UNKNOWN_TASK_TYPE,
        `unknown task type ${JSON.stringify(req.type)}; known types: ${TASK_TYPES.join(', ')}`,
      );
    }
    const owner = req.owner ?? SYSTEM_OWNER;
    if (!isValidOwner(owner)) {
      throw new TaskRequestError(
        ErrorCode.VALIDATION_FAILED,
        'owner must be 1-64 of [A-Za-z0-9_-]',
      );
    }
    // The schema the worker checks the command with: a time that passed here cannot fail there.
    const badTime =
      req.notBefore === undefined ? [] : validate(IsoTime, req.notBefore, '/notBefore');
    if (badTime.length > 0) {
      throw new TaskRequestError(
        ErrorCode.VALIDATION_FAILED,
        `notBefore: ${formatFieldErrors(badTime)}`,
        badTime,
      );
    }
    // Validation fills in defaults; the caller's object stays as it was.
    const params: unknown = structuredClone(req.params ?? {});
    const fields = validateParams(req.type, params);
    if (fields.length > 0) {
      throw new TaskRequestError(
        ErrorCode.VALIDATION_FAILED,
        `invalid params for ${req.type}: ${formatFieldErrors(fields)}`,
        fields,
      );
    }
    const id = req.idempotencyKey ? idempotentId(owner, req.idempotencyKey) : randomUUID();
    const priority = req.priority ?? 'normal';
    const command: TaskCommand = {
      v: 1,
      id,
      type: req.type,
      params: params as TaskCommand['params'],
      owner,
      priority,
      submittedAt: isoNow(),
    };
    if (req.notBefore) command.notBefore = new Date(req.notBefore).toISOString();
    if (req.softTimeLimitMs) command.softTimeLimitMs = req.softTimeLimitMs;
    if (req.timeLimitMs) command.timeLimitMs = req.timeLimitMs;
    if (req.maxAttempts) command.maxAttempts = req.maxAttempts;
    const stateInput = {
      id,
      owner,
      type: req.type,
      queue: TASK_CATALOG[req.type].queue,
      priority,
      params,
      command,
      ...(req.idempotencyKey ? { idempotencyKey: req.idempotencyKey } : {}),
      ...(req.retryOf ? { retryOf: req.retryOf } : {}),
    };
    return { command, state: newTaskState(stateInput) };
  }

  private async publish(
    command: TaskCommand,
    state: TaskState,
    traceparent?: string,
  ): Promise<void> {
    const headers: Record<string, string> = { [HEADERS.msgId]: command.id ?? state.id };
    if (traceparent) headers[HEADERS.traceparent] = traceparent;
    await this.writer.publish(subjects.task(state.queue, state.priority), JSON.stringify(command), {
      headers,
      retries: DURABLE_PUBLISH_RETRIES,
    });
  }

  async get(owner: string, id: string): Promise<TaskState | null> {
    if (!isValidOwner(owner) || !isValidId(id)) return null;
    return (await this.store.get(owner, id))?.state ?? null;
  }

  /** Finds a task by id alone, whoever owns it (for admins and operators). */
  async find(id: string): Promise<TaskState | null> {
    if (!isValidId(id)) return null;
    for await (const owner of this.store.ownersOf(id)) {
      const state = await this.get(owner, id);
      if (state) return state;
    }
    return null;
  }

  list(owner: string, filters: ListFilters = {}): Promise<TaskPage> {
    return listTasks(this.store, owner, filters);
  }

  /**
   * Pending or retrying → REVOKED at once (a worker drops the message when it gets it). Running →
   * `revokeRequested`, and a broadcast tells the worker running it to abort.
   */
  async cancel(owner: string, id: string): Promise<CancelResult> {
    let outcome: CancelResult['outcome'] | null = null;
    const stored = await this.store.mutate(owner, id, (cur) => {
      outcome = null;
      if (!cur || isTerminal(cur.status)) return null;
      const now = isoNow();
      if (cur.status === 'STARTED') {
        outcome = 'revoke-requested';
        return cur.revokeRequested ? null : { ...cur, revokeRequested: true, updatedAt: now };
      }
      outcome = 'revoked';
      return {
        ...cur,
        status: 'REVOKED',
        revokeRequested: true,
        finishedAt: now,
        updatedAt: now,
        seq: cur.seq + 1,
      };
    });
    if (!stored) throw new TaskRequestError(ErrorCode.TASK_NOT_FOUND, `no task ${id}`);
    if (!outcome) {
      throw new TaskRequestError(
        ErrorCode.TASK_ALREADY_TERMINAL,
        `task ${id} already finished with ${stored.state.status}`,
      );
    }
    this.nc.publish(subjects.cancel(owner, id));
    if (outcome === 'revoked') await this.events.publish(stored.state);
    return { state: stored.state, outcome };
  }

  /** Every change of one task's state, starting with the current one. */
  watch(owner: string, id: string, signal?: AbortSignal): AsyncIterable<TaskState> {
    return this.store.watch(owner, id, signal);
  }

  /** Resolves with the first state that satisfies `until` (by default: a terminal one). */
  async waitFor(
    owner: string,
    id: string,
    opts: { until?: (s: TaskState) => boolean; timeoutMs?: number } = {},
  ): Promise<TaskState> {
    const until = opts.until ?? ((s: TaskState) => isTerminal(s.status));
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    let last: TaskStatus | undefined;
    try {
      for await (const state of this.watch(owner, id, abort.signal)) {
        last = state.status;
        if (until(state)) return state;
      }
    } finally {
      clearTimeout(timer);
    }
    throw new Error(
      `task ${id}: condition not met within ${timeoutMs} ms (last status ${last ?? 'none'})`,
    );
  }
}
