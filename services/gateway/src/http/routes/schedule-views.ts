import { Type, type Static } from '@sinclair/typebox';
import {
  IsoTime,
  ScheduleFire,
  SCHEDULE_BACKFILL_MAX_FIRES,
  type FieldError,
  type Schedule,
  type ScheduleBackfillRequest,
} from '@wadm/contracts';
import type { ScheduleTimer } from '@wadm/runtime';
import { Problem, TaskStatus } from '../schemas.js';

/** A schedule as the API shows it: as stored, with its next fire time (null when paused). */
export type ScheduleView = Schedule & { nextFireAt: string | null };

/** One fire of `GET /schedules/{id}/runs`: the history entry and its task's status now. */
export const ScheduleRun = Type.Composite([
  ScheduleFire,
  Type.Object({
    /** The task's status now; null when the fire made no task or its state expired. */
    taskStatus: Type.Union([TaskStatus, Type.Null()]),
  }),
]);
export type ScheduleRun = Static<typeof ScheduleRun>;

export const ScheduleRuns = Type.Object({
  /** Newest first. */
  runs: Type.Array(ScheduleRun),
});
export type ScheduleRuns = Static<typeof ScheduleRuns>;

export const BackfillFire = Type.Object({
  scheduledAt: IsoTime,
  /** HTTP status this fire alone would have had: 202, or the problem's. */
  status: Type.Integer(),
  task_id: Type.Optional(Type.String()),
  task_status: Type.Optional(TaskStatus),
  /** The fire's task existed already (an earlier backfill, or the scheduler fired it). */
  duplicate: Type.Optional(Type.Boolean()),
  error: Type.Optional(Problem),
});
export type BackfillFire = Static<typeof BackfillFire>;

export const BackfillResult = Type.Object({
  /** Fires with a task, new or existing. */
  accepted: Type.Integer(),
  rejected: Type.Integer(),
  fires: Type.Array(BackfillFire),
});
export type BackfillResult = Static<typeof BackfillResult>;

/**
 * The fire times of a backfill of [from, to]: what the schedule says, oldest first, or the
 * field errors (a range that is not in the past, or holds more than
 * {@link SCHEDULE_BACKFILL_MAX_FIRES} fires).
 */
export function backfillTimes(
  timer: ScheduleTimer,
  range: ScheduleBackfillRequest,
  now: Date,
): Date[] | FieldError[] {
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  if (to > now.getTime()) return [{ path: '/to', message: 'must not be in the future' }];
  if (from > to) return [{ path: '/from', message: 'must not be after to' }];
  const times: Date[] = [];
  for (let t = timer.next(new Date(from - 1)); t && t.getTime() <= to; t = timer.next(t)) {
    if (times.length === SCHEDULE_BACKFILL_MAX_FIRES) {
      return [
        {
          path: '/to',
          message: `the range holds more than ${SCHEDULE_BACKFILL_MAX_FIRES} fires; backfill it in parts`,
        },
      ];
    }
    times.push(t);
  }
  return times;
}
