import { FireOutcome, scheduleKey, type Schedule } from '@wadm/contracts';
import {
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
  now?: () => Date;
}

/** What this replica knows of one schedule. */
interface Slot {
  schedule: Schedule;
  timer: ScheduleTimer;
  /** Fire times up to here are dealt with. */
  cursor: Date;
  next: Date | null;
  /** Bumped by an edit: a plan made before it must not move the cursor. */
  generation: number;
  busy: boolean;
  lastFire: SubmittedFire | undefined;
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
  private watching: Promise<void> | undefined;
  private readonly now: () => Date;

  constructor(private readonly opts: EngineOptions) {
    this.now = opts.now ?? (() => new Date());
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
    this.abort.abort();
    await this.watching;
    await Promise.all(this.running);
  }

  get size(): number {
    return this.slots.size;
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
    this.slots.set(key, {
      schedule,
      timer,
      cursor,
      next: timer.next(cursor),
      generation: (slot?.generation ?? 0) + 1,
      busy: false,
      lastFire: slot?.lastFire,
    });
    this.opts.logger.info(
      { schedule: scheduleId, owner, enabled: schedule.enabled, from: cursor.toISOString() },
      slot ? 'schedule changed' : 'schedule loaded',
    );
  }

  private tick(): void {
    const now = this.now();
    for (const [key, slot] of this.slots) {
      if (slot.busy || !slot.schedule.enabled || !slot.next) continue;
      if (slot.next.getTime() > now.getTime()) continue;
      slot.busy = true;
      const run = this.process(key, slot, now)
        .catch((err: unknown) => this.opts.logger.error({ err, key }, 'schedule run failed'))
        .finally(() => {
          slot.busy = false;
          this.running.delete(run);
        });
      this.running.add(run);
    }
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
    }
    for (const at of plan.fire) {
      if (!current() || !slot.schedule.enabled) return;
      const previous = previousFire(slot.schedule, at, slot.lastFire)?.taskId;
      const task = await fireOnce(deps, slot.schedule, at, previous);
      if (task) slot.lastFire = { taskId: task, at: at.getTime() };
    }
    if (!current()) return;
    slot.cursor = plan.cursor;
    slot.next = slot.timer.next(plan.cursor);
  }
}
