import { Cron } from 'croner';
import type { FieldError, ScheduleSpec } from '@wadm/contracts';

/** When a schedule fires: the first fire time strictly after a given time. */
export interface ScheduleTimer {
  next(after: Date): Date | null;
}

type Timing = Pick<ScheduleSpec, 'cron' | 'every' | 'timezone'>;

function cronOf(expression: string, timezone: string): Cron {
  // Paused: croner only computes times here; the scheduler decides when to act on them.
  return new Cron(expression, { timezone, paused: true });
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
  const cron = cronOf(spec.cron ?? '', spec.timezone);
  return { next: (after) => cron.nextRun(after) };
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
