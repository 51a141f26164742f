import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  BUCKETS,
  canTransition,
  isTerminal,
  parseStateKey,
  stateKey,
  stateKeysOf,
  stateKeysWithId,
  type TaskState,
} from '@wadm/contracts';
import { IllegalTransitionError } from './errors.js';
import { JetStreamWriter } from './jetstream-writer.js';

export interface StoredState {
  state: TaskState;
  revision: number;
}

/** What a mutator decides: a new state to write, or null to leave the entry as it is. */
export type Mutator = (current: TaskState | null) => TaskState | null;

/** A compare-and-set write lost to another writer (the revision moved on). */
export function isCasConflict(err: unknown): boolean {
  return (
    err instanceof JetStreamApiError &&
    (err.code === JetStreamApiCodes.StreamWrongLastSequence ||
      err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}

/** Where the KV client puts a key of TASK_STATE, and the header that makes a put a CAS. */
const KV_SUBJECT_PREFIX = `$KV.${BUCKETS.taskState}.`;
const KV_STREAM = `KV_${BUCKETS.taskState}`;
const EXPECTED_LAST_SUBJECT_SEQUENCE = 'Nats-Expected-Last-Subject-Sequence';

/**
 * Task states in TASK_STATE. Every write is compare-and-set on the entry's revision, so two
 * writers (a worker finishing, a client cancelling) never overwrite each other blindly.
 */
export class TaskStore {
  private constructor(
    private readonly kv: KV,
    /** Writes, and reads of one key, go through it; lists and watches through the KV client. */
    private readonly writer: JetStreamWriter,
    /** The bucket answers direct gets (the default since nats-server 2.9). */
    private readonly direct: boolean,
  ) {}

  static async open(nc: NatsConnection): Promise<TaskStore> {
    const kv = await new Kvm(nc).open(BUCKETS.taskState);
    const { streamInfo } = await kv.status();
    return new TaskStore(kv, JetStreamWriter.for(nc), streamInfo.config.allow_direct === true);
  }

  async get(owner: string, taskId: string): Promise<StoredState | null> {
    const key = stateKey(owner, taskId);
    if (!this.direct) {
      const entry = await this.kv.get(key);
      if (!entry || entry.operation !== 'PUT') return null;
      return { state: entry.json<TaskState>(), revision: entry.revision };
    }
    const last = await this.writer.lastMessage(KV_STREAM, `${KV_SUBJECT_PREFIX}${key}`);
    if (!last || last.operation !== undefined) return null;
    return { state: last.msg.json<TaskState>(), revision: last.seq };
  }

  /** Writes `state` if no task has this key yet; null when one does. */
  async create(state: TaskState): Promise<StoredState | null> {
    try {
      const revision = await this.createKey(stateKey(state.owner, state.id), JSON.stringify(state));
      return { state, revision };
    } catch (err) {
      if (isCasConflict(err)) return null;
      throw err;
    }
  }

  /**
   * Reads, applies `fn`, writes with CAS; on a conflict reads again and re-applies. Returns what
   * is stored afterwards (the current state when `fn` chose not to write, null if none). A caller
   * that holds the entry it last read or wrote passes it as `known` to skip the first read: the
   * CAS still catches any writer in between.
   */
  async mutate(
    owner: string,
    taskId: string,
    fn: Mutator,
    known?: StoredState | null,
  ): Promise<StoredState | null> {
    const key = stateKey(owner, taskId);
    let cached = known;
    for (;;) {
      const current = cached === undefined ? await this.get(owner, taskId) : cached;
      cached = undefined;
      const next = fn(current?.state ?? null);
      if (!next) return current;
      if (current && current.state.status !== next.status) {
        if (!canTransition(current.state.status, next.status)) {
          throw new IllegalTransitionError(current.state.status, next.status, taskId);
        }
      }
      try {
        const revision = current
          ? await this.put(key, JSON.stringify(next), current.revision)
          : await this.createKey(key, JSON.stringify(next));
        return { state: next, revision };
      } catch (err) {
        if (!isCasConflict(err)) throw err;
      }
    }
  }

  /**
   * Writes `value` if the key's last revision is `expected` (0: the key has none), as
   * `kv.update` does, and returns the new revision.
   */
  private async put(key: string, value: string, expected: number): Promise<number> {
    const ack = await this.writer.publish(`${KV_SUBJECT_PREFIX}${key}`, value, {
      headers: { [EXPECTED_LAST_SUBJECT_SEQUENCE]: String(expected) },
    });
    return ack.seq;
  }

  /** `kv.create`: a key that does not exist, or whose last entry deleted or purged it. */
  private async createKey(key: string, value: string): Promise<number> {
    try {
      return await this.put(key, value, 0);
    } catch (err) {
      if (!isCasConflict(err)) throw err;
      const last = await this.kv.get(key);
      if (!last || last.operation === 'PUT') throw err;
      return this.put(key, value, last.revision);
    }
  }

  /** Every task of `owner` (`*` for all owners). */
  async *list(owner: string): AsyncIterable<TaskState> {
    const keys = await this.kv.keys(stateKeysOf(owner));
    // A Set: a key written while the listing runs can be reported twice.
    const names = new Set<string>();
    for await (const k of keys) names.add(k);
    for (const key of names) {
      const parsed = parseStateKey(key);
      if (!parsed) continue;
      const stored = await this.get(parsed.owner, parsed.taskId);
      if (stored) yield stored.state;
    }
  }

  /** The owners that have a task with this id (ids are unique per owner, not overall). */
  async *ownersOf(taskId: string): AsyncIterable<string> {
    for await (const key of await this.kv.keys(stateKeysWithId(taskId))) {
      const parsed = parseStateKey(key);
      if (parsed) yield parsed.owner;
    }
  }

  /** Every change of one task's state, starting with the current one, until `signal` aborts. */
  async *watch(owner: string, taskId: string, signal?: AbortSignal): AsyncIterable<TaskState> {
    const watcher = await this.kv.watch({ key: stateKey(owner, taskId) });
    const stop = (): void => watcher.stop();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      for await (const entry of watcher) {
        if (entry.operation === 'PUT') yield entry.json<TaskState>();
      }
    } finally {
      signal?.removeEventListener('abort', stop);
      watcher.stop();
    }
  }

  /**
   * The ids of `owner`'s unfinished tasks, read in one pass over the owner's entries (a watch's
   * initial snapshot, not a read per key). Gives up after `timeoutMs` with what it has.
   */
  async unfinishedIds(owner: string, timeoutMs: number): Promise<Set<string>> {
    const ids = new Set<string>();
    const filter = stateKeysOf(owner);
    const keys = await this.kv.keys(filter);
    const first = await keys[Symbol.asyncIterator]().next();
    keys.stop();
    // A watcher over no keys never reports the end of its (empty) initial snapshot.
    if (first.done) return ids;
    const watcher = await this.kv.watch({ key: filter });
    const timer = setTimeout(() => watcher.stop(), timeoutMs);
    try {
      for await (const e of watcher) {
        if (e.operation === 'PUT') {
          const state = e.json<TaskState>();
          if (!isTerminal(state.status)) ids.add(state.id);
        }
        if (e.isUpdate) break;
      }
    } finally {
      clearTimeout(timer);
      watcher.stop();
    }
    return ids;
  }
}
