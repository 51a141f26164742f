import { FireOutcome, scheduleKey, type Schedule } from '@wadm/contracts';
import {
  jitterOffsetMs,
  scheduleTimer,
  type Logger,
  type ScheduleStore,
  type ScheduleTimer,
  type StoredSchedule,
  type TaskClient,
} from '@wadm/runtime';
import { fireOnce, previousFire, type FireDeps, type SubmittedFire } from './fire.js';
import { planFires } from './fire-plan.js';

export interface EngineOptions {
  client: TaskClient;
  store: ScheduleStore;
  logger: Logger;
  tickMs: number;
  graceMs: number;
  /** See {@link FireDeps.republishWithinMs}. */
  republishWithinMs: number;
  /**
   * Schedules fired at once; the rest wait for a free place. Thousands of fires sharing a
   * minute would otherwise put thousands of requests in flight, and NATS answers none in time.
   * @defaultValue 1000
   */
  maxConcurrentFires?: number;
  now?: () => Date;
}

/** What this replica knows of one schedule. */
interface Slot {
  schedule: Schedule;
  /** Of `schedule` as the watch last delivered it: a history write skips its read. */
  revision: number;
  timer: ScheduleTimer;
  /** Fire times up to here are dealt with. */
  cursor: Date;
  /** When the next fire time is due: the time plus its jitter; null when none is left. */
  dueAt: number | null;
  delayOf: (at: Date) => number;
  /** Bumped by an edit: a plan made before it must not move the cursor. */
  generation: number;
  busy: boolean;
  /**
   * When a tick first found it due but every place taken: its fires are judged on time by
   * then, so waiting for a place makes a fire late, never missed.
   */
  dueSince: Date | undefined;
  lastFire: SubmittedFire | undefined;
}

/** What an engine has done since it started (the `/metrics` counters). */
export interface EngineStats {
  schedules: number;
  /** Fires that have a task (submitted here, or found submitted by a peer). */
  submitted: number;
  /** Fires with no task: skipped for overlap, refused, or left to a peer after a NATS error. */
  notSubmitted: number;
  missed: number;
}

/** When `at` is due for a schedule whose delays are `delayOf`. */
function dueOf(at: Date | null, delayOf: (at: Date) => number): number | null {
  return at ? at.getTime() + delayOf(at) : null;
}

/** Where a replica starts with a schedule: after its spec's last change and its last fire. */
function baseline(schedule: Schedule): Date {
  const last = schedule.history.at(-1);
  const times = [Date.parse(schedule.updatedAt), last ? Date.parse(last.scheduledAt) : 0];
  return new Date(Math.max(...times));
}

/**
 * Keeps every schedule of SCHEDULES in memory from a KV watch (an edit, pause or delete takes
 * effect as soon as it arrives) and, on each tick, fires the due ones. Replicas share nothing
 * but the stored schedules and task states: each fires every due time, and the fire's derived
 * task id makes one task of it.
 */
export class ScheduleEngine {
  private readonly slots = new Map<string, Slot>();
  private readonly abort = new AbortController();
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  /** Wakes the engine at the next due time when that is sooner than the next tick. */
  private wake: NodeJS.Timeout | undefined;
  private wakeAt = 0;
  private watching: Promise<void> | undefined;
  private readonly now: () => Date;
  private readonly counts = { submitted: 0, notSubmitted: 0, missed: 0 };
  private readonly maxConcurrent: number;
  /** A tick stopped at the limit: a finished run ticks again. */
  private backlog = false;

  constructor(private readonly opts: EngineOptions) {
    this.now = opts.now ?? (() => new Date());
    this.maxConcurrent = opts.maxConcurrentFires ?? 1_000;
  }

  /** Resolves once the watch is open; fires start with the next tick. */
  async start(): Promise<void> {
    const changes = this.opts.store.watch(this.abort.signal)[Symbol.asyncIterator]();
    const first = changes.next();
    this.watching = (async () => {
      let step = await first;
      while (!step.done) {
        this.apply(step.value.owner, step.value.scheduleId, step.value.stored);
        step = await changes.next();
      }
    })().catch((err: unknown) => {
      if (!this.abort.signal.aborted) this.opts.logger.error({ err }, 'schedule watch ended');
    });
    this.timer = setInterval(() => this.tick(), this.opts.tickMs);
  }

  /** Stops ticking and watching, then waits for fires in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearTimeout(this.wake);
    this.abort.abort();
    await this.watching;
    await Promise.all(this.running);
  }

  get size(): number {
    return this.slots.size;
  }

  stats(): EngineStats {
    return { schedules: this.slots.size, ...this.counts };
  }

  private apply(owner: string, scheduleId: string, stored: StoredSchedule | null): void {
    const key = scheduleKey(owner, scheduleId);
    const slot = this.slots.get(key);
    if (!stored) {
      if (slot) this.opts.logger.info({ schedule: scheduleId, owner }, 'schedule deleted');
      this.slots.delete(key);
      return;
    }
    const { schedule } = stored;
    // A history record leaves the spec (and updatedAt) alone: keep the cursor.
    if (slot && slot.schedule.updatedAt === schedule.updatedAt) {
      slot.schedule = schedule;
      slot.revision = stored.revision;
      return;
    }
    let timer: ScheduleTimer;
    try {
      timer = scheduleTimer(schedule);
    } catch (err) {
      this.opts.logger.warn({ err, schedule: scheduleId, owner }, 'schedule cannot be evaluated');
      this.slots.delete(key);
      return;
    }
    const cursor = baseline(schedule);
    const delayOf = (at: Date): number => jitterOffsetMs(key, at, schedule.jitterMs);
    this.slots.set(key, {
      schedule,
      revision: stored.revision,
      timer,
      cursor,
      dueAt: dueOf(timer.next(cursor), delayOf),
      delayOf,
      generation: (slot?.generation ?? 0) + 1,
      busy: false,
      dueSince: undefined,
      lastFire: slot?.lastFire,
    });
    // A change is news; a load is one of thousands at start (the metrics count them).
    this.opts.logger[slot ? 'info' : 'debug'](
      { schedule: scheduleId, owner, enabled: schedule.enabled, from: cursor.toISOString() },
      slot ? 'schedule changed' : 'schedule loaded',
    );
  }

  /**
   * Fires what is due, then, when the soonest due time comes before the next tick, sets a
   * timer for it: a fire is late by milliseconds, not by up to a tick.
   */
  private tick(): void {
    if (this.abort.signal.aborted) return;
    const now = this.now();
    let soonest = Infinity;
    this.backlog = false;
    for (const [key, slot] of this.slots) {
      if (slot.busy || !slot.schedule.enabled || slot.dueAt === null) continue;
      if (slot.dueAt > now.getTime()) {
        soonest = Math.min(soonest, slot.dueAt);
        continue;
      }
      if (this.running.size >= this.maxConcurrent) {
        this.backlog = true;
        slot.dueSince ??= now;
        continue;
      }
      slot.busy = true;
      const seen = slot.dueSince ?? now;
      slot.dueSince = undefined;
      const run = this.process(key, slot, seen)
        .catch((err: unknown) => this.opts.logger.error({ err, key }, 'schedule run failed'))
        .finally(() => {
          slot.busy = false;
          this.running.delete(run);
          // A few ms: the places freed meanwhile are filled by one scan, not one scan each.
          if (this.backlog) this.wakeIn(5);
        });
      this.running.add(run);
    }
    if (!this.backlog) this.wakeIn(soonest - this.now().getTime());
  }

  /** Ticks in `ms` when that is sooner than the next tick and than a wake already set. */
  private wakeIn(ms: number): void {
    const at = Date.now() + Math.max(0, ms);
    if (ms >= this.opts.tickMs || (this.wake && this.wakeAt <= at)) return;
    clearTimeout(this.wake);
    this.wakeAt = at;
    this.wake = setTimeout(() => {
      this.wake = undefined;
      this.tick();
    }, at - Date.now());
  }

  private async process(key: string, slot: Slot, now: Date): Promise<void> {
    const generation = slot.generation;
    const current = (): boolean =>
      this.slots.get(key) === slot && slot.generation === generation && !this.abort.signal.aborted;
    const { schedule } = slot;
    const plan = planFires({
      timer: slot.timer,
      from: slot.cursor,
      now,
      catchupWindowMs: schedule.catchupWindowMs,
      graceMs: this.opts.graceMs,
      delayOf: slot.delayOf,
    });
    const deps: FireDeps = {
      client: this.opts.client,
      store: this.opts.store,
      logger: this.opts.logger,
      republishWithinMs: this.opts.republishWithinMs,
    };
    for (const at of plan.missed) {
      if (!current()) return;
      await this.opts.store
        .recordFire(schedule.owner, schedule.id, {
          scheduledAt: at.toISOString(),
          outcome: FireOutcome.MISSED,
        })
        .catch(() => undefined);
      this.counts.missed++;
    }
    for (const at of plan.fire) {
      if (!current() || !slot.schedule.enabled) return;
      const previous = previousFire(slot.schedule, at, slot.lastFire)?.taskId;
      const stored = { schedule: slot.schedule, revision: slot.revision };
      const task = await fireOnce(deps, stored, at, previous);
      if (task) slot.lastFire = { taskId: task, at: at.getTime() };
      this.counts[task ? 'submitted' : 'notSubmitted']++;
    }
    if (!current()) return;
    slot.cursor = plan.cursor;
    slot.dueAt = dueOf(slot.timer.next(plan.cursor), slot.delayOf);
  }
}
