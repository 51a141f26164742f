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
 * A reservation counts toward an owner's limit this long before its schedule exists: longer
 * than a create takes, short enough that one whose create never happened frees its place soon.
 */
const RESERVATION_MS = 30_000;

/** What {@link ScheduleStore.createWithin} did. */
export type LimitedCreate = 'created' | 'exists' | 'limit';

/** `<owner>.=roster`: not a schedule key (`=` is no id character), so lists and watches skip it. */
function rosterKey(owner: string): string {
  return `${scheduleKeysOf(owner).slice(0, -1)}=roster`;
}

/** Per owner: the ids that count toward the limit, with when each was reserved. */
interface Roster {
  ids: Record<string, string>;
}

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
   * Creates the schedule if its owner has fewer than `limit`. The owner's roster key is the
   * one point two creates meet: each reserves its id there with compare-and-set, counting the
   * owner's schedules and the reservations still young, so of two racing for the last place
   * one gets it and the other reads `limit`.
   */
  async createWithin(schedule: Schedule, limit: number): Promise<LimitedCreate> {
    const { owner, id } = schedule;
    const key = rosterKey(owner);
    for (;;) {
      const entry = await this.kv.get(key);
      const held = entry?.operation === 'PUT' ? entry.json<Roster>().ids : {};
      const existing = await this.ids(owner);
      if (existing.has(id)) return 'exists';
      const now = Date.now();
      const ids: Record<string, string> = {};
      for (const sid of existing) ids[sid] = held[sid] ?? new Date(0).toISOString();
      for (const [sid, at] of Object.entries(held)) {
        if (!existing.has(sid) && now - Date.parse(at) < RESERVATION_MS) ids[sid] = at;
      }
      if (!(id in ids) && Object.keys(ids).length >= limit) return 'limit';
      ids[id] = new Date(now).toISOString();
      const value = JSON.stringify({ ids } satisfies Roster);
      try {
        if (entry) await this.kv.update(key, value, entry.revision);
        else await this.kv.create(key, value);
        break;
      } catch (err) {
        if (!isCasConflict(err)) throw err;
      }
    }
    return (await this.create(schedule)) ? 'created' : 'exists';
  }

  private async ids(owner: string): Promise<Set<string>> {
    const ids = new Set<string>();
    for await (const key of await this.kv.keys(scheduleKeysOf(owner))) {
      const parsed = parseScheduleKey(key);
      if (parsed) ids.add(parsed.scheduleId);
    }
    return ids;
  }

  /**
   * Reads, applies `fn`, writes with CAS; on a conflict reads again and re-applies. `fn`
   * returning null writes nothing. Returns what is stored afterwards, null if nothing is. A
   * caller holding a recent copy passes it as `known` to skip the first read (the CAS still
   * catches any writer since).
   */
  async mutate(
    owner: string,
    scheduleId: string,
    fn: (current: Schedule) => Schedule | null,
    attempts = Number.POSITIVE_INFINITY,
    known?: StoredSchedule,
  ): Promise<StoredSchedule | null> {
    const key = scheduleKey(owner, scheduleId);
    let cached = known;
    for (let i = 0; ; i++) {
      const current = cached ?? (await this.get(owner, scheduleId));
      cached = undefined;
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
  async recordFire(
    owner: string,
    scheduleId: string,
    fire: ScheduleFire,
    known?: StoredSchedule,
  ): Promise<void> {
    try {
      await this.mutate(
        owner,
        scheduleId,
        (s) => {
          const history = withFire(s.history, fire);
          return history ? { ...s, history } : null;
        },
        RECORD_ATTEMPTS,
        known,
      );
    } catch (err) {
      if (!isCasConflict(err)) throw err;
    }
  }

  async delete(owner: string, scheduleId: string): Promise<boolean> {
    const key = scheduleKey(owner, scheduleId);
    if (!(await this.kv.get(key).then((e) => e && e.operation === 'PUT'))) return false;
    await this.kv.delete(key);
    await this.release(owner, scheduleId);
    return true;
  }

  /** Drops a deleted schedule's reservation, so its place is free at once, not in a while. */
  private async release(owner: string, scheduleId: string): Promise<void> {
    const key = rosterKey(owner);
    for (let attempt = 1; attempt <= RECORD_ATTEMPTS; attempt++) {
      const entry = await this.kv.get(key);
      if (entry?.operation !== 'PUT') return;
      const { ids } = entry.json<Roster>();
      if (!(scheduleId in ids)) return;
      delete ids[scheduleId];
      try {
        await this.kv.update(key, JSON.stringify({ ids } satisfies Roster), entry.revision);
        return;
      } catch (err) {
        if (!isCasConflict(err)) throw err;
      }
    }
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

  /** How many schedules `owner` has. */
  async count(owner: string): Promise<number> {
    return (await this.ids(owner)).size;
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
