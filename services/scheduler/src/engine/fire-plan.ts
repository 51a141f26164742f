import { SCHEDULE_HISTORY_MAX } from '@wadm/contracts';
import type { ScheduleTimer } from '@wadm/runtime';

export interface FirePlanInput {
  timer: ScheduleTimer;
  /** Fire times after this (exclusive) are considered. */
  from: Date;
  now: Date;
  /** The schedule's `catchupWindowMs`. */
  catchupWindowMs: number;
  /** A fire noticed at most this late is on time. */
  graceMs: number;
  /** Fire times looked at per plan; the rest wait for the next one. @defaultValue 10000 */
  maxSteps?: number;
  /** How long after its time a fire is due (the schedule's jitter). @defaultValue none */
  delayOf?: (at: Date) => number;
}

export interface FirePlan {
  /** To submit, oldest first. */
  fire: Date[];
  /** To record as missed, oldest first (at most the history's length). */
  missed: Date[];
  /** Where the next plan starts. */
  cursor: Date;
}

/**
 * Which fire times in (from, now] to submit, each due at its time plus its delay (jitter), and
 * late by as much as `now` is past that. On-time ones (within `graceMs`) all fire. Of those
 * missed by more, the latest within `catchupWindowMs` fires once when nothing is on time, and
 * the others are recorded as missed. Every replica plans from the same stored history, so they
 * pick the same times.
 */
export function planFires(input: FirePlanInput): FirePlan {
  const { timer, now, catchupWindowMs, graceMs } = input;
  const delayOf = input.delayOf ?? (() => 0);
  const maxSteps = input.maxSteps ?? 10_000;
  const onTime: Date[] = [];
  const missed: Date[] = [];
  let catchup: Date | null = null;
  let cursor = input.from;
  for (let step = 0; step < maxSteps; step++) {
    const t = timer.next(cursor);
    const due = t ? t.getTime() + delayOf(t) : Infinity;
    if (!t || due > now.getTime()) {
      // A time already past but not yet due (jitter) must be looked at again.
      if (!t || t.getTime() > now.getTime()) cursor = now;
      break;
    }
    cursor = t;
    const late = now.getTime() - due;
    if (late <= graceMs) onTime.push(t);
    else if (late <= graceMs + catchupWindowMs) {
      if (catchup) missed.push(catchup);
      catchup = t;
    } else missed.push(t);
    if (missed.length > SCHEDULE_HISTORY_MAX) missed.shift();
  }
  if (catchup && onTime.length > 0) missed.push(catchup);
  const fire = onTime.length > 0 ? onTime : catchup ? [catchup] : [];
  return { fire, missed: missed.slice(-SCHEDULE_HISTORY_MAX), cursor };
}
