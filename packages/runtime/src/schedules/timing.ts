import { Cron } from 'croner';
import type { FieldError, ScheduleSpec } from '@wadm/contracts';

/** When a schedule fires: the first fire time strictly after a given time. */
export interface ScheduleTimer {
  next(after: Date): Date | null;
}

type Timing = Pick<ScheduleSpec, 'cron' | 'every' | 'timezone'>;

function cronOf(expression: string, timezone: string): Cron {
  // Paused: croner only computes times here; the scheduler decides when to act on them.
  // UTC as an offset: the same times, without croner's time-zone conversions (Intl).
  const zone = timezone === 'UTC' || timezone === 'Etc/UTC' ? { utcOffset: 0 } : { timezone };
  return new Cron(expression, { ...zone, paused: true });
}

/** Answers kept per shared cron timer: the times a tick asks about, for all its schedules. */
const MEMO_SIZE = 64;
/** Cron timers by expression and zone: most schedules share a few (`0 8 * * *`, UTC). */
const sharedCrons = new Map<string, ScheduleTimer>();
const SHARED_MAX = 10_000;

/**
 * A cron timer shared by every schedule with this expression and zone, remembering its last
 * answers: thousands of schedules due at one time ask it the same question (the next time
 * after the one just fired), and croner's computation costs about a tenth of a millisecond.
 */
function sharedCron(expression: string, timezone: string): ScheduleTimer {
  const key = `${timezone} ${expression}`;
  const known = sharedCrons.get(key);
  if (known) return known;
  const cron = cronOf(expression, timezone);
  const memo = new Map<number, number | null>();
  const timer: ScheduleTimer = {
    next(after) {
      const at = after.getTime();
      let next = memo.get(at);
      if (next === undefined) {
        next = cron.nextRun(after)?.getTime() ?? null;
        if (memo.size >= MEMO_SIZE) memo.clear();
        memo.set(at, next);
      }
      return next === null ? null : new Date(next);
    },
  };
  if (sharedCrons.size >= SHARED_MAX) sharedCrons.clear();
  sharedCrons.set(key, timer);
  return timer;
}

/**
 * The timer of a valid spec (see {@link scheduleTimingErrors}). `every` fires at multiples of
 * the interval since the Unix epoch, so every replica computes the same times.
 */
export function scheduleTimer(spec: Timing): ScheduleTimer {
  if (spec.every !== undefined) {
    const every = spec.every;
    return { next: (after) => new Date((Math.floor(after.getTime() / every) + 1) * every) };
  }
  return sharedCron(spec.cron ?? '', spec.timezone);
}

/**
 * How long after `at` a schedule with `jitterMs` fires it: in [0, jitterMs), from a hash of the
 * schedule and the fire time, so every replica delays the same fire by the same amount.
 */
export function jitterOffsetMs(key: string, at: Date, jitterMs: number | undefined): number {
  if (!jitterMs) return 0;
  // FNV-1a, 32 bits: spread enough for delays, and the same on every replica.
  let hash = 0x811c9dc5;
  for (const ch of `${key}@${at.toISOString()}`) {
    hash ^= ch.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % jitterMs;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * What croner says of the time zone and the cron expression, each named by its field (JSON
 * pointers under `root`); empty when both are good. The time zone is checked on its own first,
 * so a bad one is not reported against the expression.
 */
export function scheduleTimingErrors(spec: Timing, root = ''): FieldError[] {
  try {
    cronOf('* * * * *', spec.timezone).nextRun();
  } catch (err) {
    return [{ path: `${root}/timezone`, message: message(err) }];
  }
  if (spec.cron === undefined) return [];
  try {
    if (!cronOf(spec.cron, spec.timezone).nextRun()) {
      return [{ path: `${root}/cron`, message: 'never fires' }];
    }
  } catch (err) {
    return [{ path: `${root}/cron`, message: message(err) }];
  }
  return [];
}
