import { Kvm, type KV, type KvEntry } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  BUCKETS,
  parseScheduleKey,
  scheduleKey,
  scheduleKeysOf,
  withFire,
  type Schedule,
  type ScheduleFire,
} from '@wadm/contracts';
import { isCasConflict } from '../task-store.js';

export interface StoredSchedule {
  schedule: Schedule;
  revision: number;
}

/** One change seen by {@link ScheduleStore.watch}: a schedule written, or deleted (null). */
export interface ScheduleChange {
  owner: string;
  scheduleId: string;
  stored: StoredSchedule | null;
  /** The last entry of the initial snapshot (or the first change of an empty bucket). */
  isUpdate: boolean;
}

/** Attempts of a history write before leaving the record to another writer. */
const RECORD_ATTEMPTS = 5;

/**
 * Schedules in SCHEDULES, under `<owner>.<id>`. Edits are compare-and-set on the revision, so
 * a user's edit and a replica's history record never overwrite each other.
 */
export class ScheduleStore {
  private constructor(private readonly kv: KV) {}

  static async open(nc: NatsConnection): Promise<ScheduleStore> {
    return new ScheduleStore(await new Kvm(nc).open(BUCKETS.schedules));
  }

  async get(owner: string, scheduleId: string): Promise<StoredSchedule | null> {
    const entry = await this.kv.get(scheduleKey(owner, scheduleId));
    return entry ? decode(entry) : null;
  }

  /** Whether the key holds a schedule or the marker of a deleted one. */
  async wasWritten(owner: string, scheduleId: string): Promise<boolean> {
    return (await this.kv.get(scheduleKey(owner, scheduleId))) !== null;
  }

  /** Writes the schedule if its key is free (never written, or deleted); null when taken. */
  async create(schedule: Schedule): Promise<StoredSchedule | null> {
    try {
      const revision = await this.kv.create(
        scheduleKey(schedule.owner, schedule.id),
        JSON.stringify(schedule),
      );
      return { schedule, revision };
    } catch (err) {
      if (isCasConflict(err)) return null;
      throw err;
    }
  }

  /**
   * Reads, applies `fn`, writes with CAS; on a conflict reads again and re-applies. `fn`
   * returning null writes nothing. Returns what is stored afterwards, null if nothing is.
   */
  async mutate(
    owner: string,
    scheduleId: string,
    fn: (current: Schedule) => Schedule | null,
    attempts = Number.POSITIVE_INFINITY,
  ): Promise<StoredSchedule | null> {
    const key = scheduleKey(owner, scheduleId);
    for (let i = 0; ; i++) {
      const current = await this.get(owner, scheduleId);
      if (!current) return null;
      const next = fn(current.schedule);
      if (!next) return current;
      try {
        const revision = await this.kv.update(key, JSON.stringify(next), current.revision);
        return { schedule: next, revision };
      } catch (err) {
        if (!isCasConflict(err) || i + 1 >= attempts) throw err;
      }
    }
  }

  /**
   * Adds a fire to the schedule's history. Another replica recording the same fire first makes
   * this a no-op; after a few lost races the record is left to the others.
   */
  async recordFire(owner: string, scheduleId: string, fire: ScheduleFire): Promise<void> {
    try {
      await this.mutate(
        owner,
        scheduleId,
        (s) => {
          const history = withFire(s.history, fire);
          return history ? { ...s, history } : null;
        },
        RECORD_ATTEMPTS,
      );
    } catch (err) {
      if (!isCasConflict(err)) throw err;
    }
  }

  async delete(owner: string, scheduleId: string): Promise<boolean> {
    const key = scheduleKey(owner, scheduleId);
    if (!(await this.kv.get(key).then((e) => e && e.operation === 'PUT'))) return false;
    await this.kv.delete(key);
    return true;
  }

  /** Every schedule of `owner` (`*` for all owners), sorted by owner and id. */
  async list(owner: string): Promise<Schedule[]> {
    const names = new Set<string>();
    for await (const k of await this.kv.keys(scheduleKeysOf(owner))) names.add(k);
    const out: Schedule[] = [];
    for (const key of [...names].sort()) {
      const parsed = parseScheduleKey(key);
      if (!parsed) continue;
      const stored = await this.get(parsed.owner, parsed.scheduleId);
      if (stored) out.push(stored.schedule);
    }
    return out;
  }

  /** How many schedules `owner` has (the per-user limit). */
  async count(owner: string): Promise<number> {
    let n = 0;
    for await (const key of await this.kv.keys(scheduleKeysOf(owner))) {
      if (parseScheduleKey(key)) n++;
    }
    return n;
  }

  /**
   * Every schedule, then every change, until `signal` aborts. Keys that are not schedule keys
   * are ignored; a value that is not JSON is reported as deleted.
   */
  async *watch(signal?: AbortSignal): AsyncIterable<ScheduleChange> {
    const watcher = await this.kv.watch({ key: scheduleKeysOf('*') });
    const stop = (): void => watcher.stop();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      for await (const entry of watcher) {
        const parsed = parseScheduleKey(entry.key);
        if (!parsed) continue;
        yield { ...parsed, stored: decode(entry), isUpdate: entry.isUpdate };
      }
    } finally {
      signal?.removeEventListener('abort', stop);
      watcher.stop();
    }
  }
}

function decode(entry: KvEntry): StoredSchedule | null {
  if (entry.operation !== 'PUT') return null;
  try {
    return { schedule: entry.json<Schedule>(), revision: entry.revision };
  } catch {
    return null;
  }
}
