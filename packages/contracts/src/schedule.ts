import { Type, type Static } from '@sinclair/typebox';
import { isTaskType, TASK_TYPES } from './catalog/catalog.js';
import { IsoTime } from './common.js';
import type { FieldError } from './errors.js';
import { OWNER_PATTERN } from './ids.js';
import { PRIORITIES } from './queues.js';
import { validate, validateParams } from './validation.js';

/** Schedule ids become KV key tokens (`<owner>.<id>` in SCHEDULES). */
export const SCHEDULE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isValidScheduleId(value: unknown): value is string {
  return typeof value === 'string' && SCHEDULE_ID_PATTERN.test(value);
}

/** How many fires a schedule keeps in its `history`, newest last. */
export const SCHEDULE_HISTORY_MAX = 20;
/** Shortest `every`. */
export const SCHEDULE_MIN_EVERY_MS = 1_000;
/** Longest `catchupWindowMs`: a day (task states live 7 days; a fire is deduped by its task). */
export const SCHEDULE_MAX_CATCHUP_MS = 86_400_000;

export const ScheduleOverlap = {
  /** Do not fire while the previous fire's task is unfinished. */
  SKIP: 'skip',
  /** Fire on time whatever the previous task is doing. */
  ALLOW: 'allow',
} as const;
export type ScheduleOverlap = (typeof ScheduleOverlap)[keyof typeof ScheduleOverlap];

/** The task a schedule submits at each fire. */
export const ScheduledTask = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 100 }),
    params: Type.Record(Type.String(), Type.Unknown(), { default: {} }),
    priority: Type.Union(
      PRIORITIES.map((p) => Type.Literal(p)),
      { default: 'normal' },
    ),
  },
  { additionalProperties: false },
);
export type ScheduledTask = Static<typeof ScheduledTask>;

/**
 * What a client gives to create or replace a schedule. Exactly one of `cron` and `every`
 * (checked by {@link scheduleSpecErrors}, which also checks the task's type and params).
 */
export const ScheduleSpec = Type.Object(
  {
    id: Type.String({ pattern: SCHEDULE_ID_PATTERN.source }),
    /** 5 fields (minute first) or 6 (second first), in `timezone`. */
    cron: Type.Optional(Type.String({ pattern: '^\\S+(\\s+\\S+){4,5}$', maxLength: 200 })),
    /** Interval in ms; fires at multiples of it since the Unix epoch, so replicas agree. */
    every: Type.Optional(Type.Integer({ minimum: SCHEDULE_MIN_EVERY_MS })),
    /** IANA time zone of `cron`. @defaultValue `UTC` */
    timezone: Type.String({ minLength: 1, maxLength: 64, default: 'UTC' }),
    task: ScheduledTask,
    /** @defaultValue true */
    enabled: Type.Boolean({ default: true }),
    /** @defaultValue `skip` */
    overlap: Type.Union([Type.Literal('skip'), Type.Literal('allow')], { default: 'skip' }),
    /**
     * After downtime, the latest fire missed within this window runs once; older ones are
     * recorded as skipped. @defaultValue 0 (missed fires are skipped)
     */
    catchupWindowMs: Type.Integer({ minimum: 0, maximum: SCHEDULE_MAX_CATCHUP_MS, default: 0 }),
    /**
     * Each fire runs up to this many ms after its time, by an amount derived from the schedule
     * and the time (the same on every replica), so schedules sharing a time do not fire at
     * once. The task id still derives from the time itself.
     */
    jitterMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600_000 })),
  },
  { additionalProperties: false },
);
export type ScheduleSpec = Static<typeof ScheduleSpec>;

export const FireOutcome = {
  /** A task was submitted for this fire (by this or another replica). */
  SUBMITTED: 'submitted',
  /** Not fired: the previous fire's task was unfinished (`overlap: skip`). */
  SKIPPED_OVERLAP: 'skipped-overlap',
  /** Not fired: missed while no scheduler ran, outside the catch-up window, or coalesced. */
  MISSED: 'missed',
  /** The submission was refused (e.g. params no longer valid); `error` says why. */
  FAILED: 'failed',
} as const;
export type FireOutcome = (typeof FireOutcome)[keyof typeof FireOutcome];

export const ScheduleFire = Type.Object({
  /** The fire time the schedule says, not when it was noticed. */
  scheduledAt: IsoTime,
  taskId: Type.Optional(Type.String()),
  outcome: Type.Union(Object.values(FireOutcome).map((o) => Type.Literal(o))),
  error: Type.Optional(Type.String()),
});
export type ScheduleFire = Static<typeof ScheduleFire>;

/**
 * A schedule as stored under `<owner>.<id>` in SCHEDULES. Version 1. `updatedAt` changes with
 * the spec (create, edit, pause, resume), never with `history`, which the scheduler replicas
 * append to with compare-and-set.
 */
export const Schedule = Type.Composite([
  ScheduleSpec,
  Type.Object({
    v: Type.Literal(1),
    owner: Type.String({ pattern: OWNER_PATTERN.source }),
    createdAt: IsoTime,
    updatedAt: IsoTime,
    /** The last fires, oldest first, at most {@link SCHEDULE_HISTORY_MAX}. */
    history: Type.Array(ScheduleFire, { maxItems: SCHEDULE_HISTORY_MAX }),
  }),
]);
export type Schedule = Static<typeof Schedule>;

/**
 * Validates a spec, filling in defaults: its schema, exactly one of `cron` and `every`, a known
 * task type and params valid for it. Cron syntax and the time zone are checked where croner
 * runs (`scheduleTimingErrors` in the runtime). Field paths are JSON pointers under `root`.
 */
export function scheduleSpecErrors(spec: unknown, root = ''): FieldError[] {
  const fields = validate(ScheduleSpec, spec, root);
  if (fields.length > 0) return fields;
  const s = spec as ScheduleSpec;
  if ((s.cron === undefined) === (s.every === undefined)) {
    return [{ path: `${root}/cron`, message: 'give exactly one of cron or every' }];
  }
  if (!isTaskType(s.task.type)) {
    return [
      {
        path: `${root}/task/type`,
        message: `unknown task type; known types: ${TASK_TYPES.join(', ')}`,
      },
    ];
  }
  return validateParams(s.task.type, s.task.params).map((f) => ({
    path: `${root}/task${f.path}`,
    message: f.message,
  }));
}

/** Most fire times one backfill request may submit. */
export const SCHEDULE_BACKFILL_MAX_FIRES = 1_000;

/** `POST /schedules/{id}/backfill`: fire every time of the schedule in [from, to], past only. */
export const ScheduleBackfillRequest = Type.Object(
  {
    from: IsoTime,
    /** At most now. */
    to: IsoTime,
  },
  { additionalProperties: false },
);
export type ScheduleBackfillRequest = Static<typeof ScheduleBackfillRequest>;

/** The idempotency key of one fire: the task id derives from the schedule and the fire time. */
export function fireIdempotencyKey(scheduleId: string, scheduledAt: Date): string {
  return `${scheduleId}@${scheduledAt.toISOString()}`;
}

/** The idempotency key of a "run now" at `at`. */
export function manualRunIdempotencyKey(scheduleId: string, at: Date): string {
  return `${scheduleId}@manual@${at.toISOString()}`;
}

/**
 * `history` with `fire` added: one entry per fire time (a submitted fire replaces another
 * outcome of the same time, nothing else does), sorted, the newest {@link SCHEDULE_HISTORY_MAX}.
 * Null when `fire` adds nothing, so a replica that lost the race writes nothing.
 */
export function withFire(
  history: readonly ScheduleFire[],
  fire: ScheduleFire,
): ScheduleFire[] | null {
  const same = history.find((h) => h.scheduledAt === fire.scheduledAt);
  if (same && !(fire.outcome === 'submitted' && same.outcome !== 'submitted')) return null;
  const next = history.filter((h) => h.scheduledAt !== fire.scheduledAt).concat(fire);
  next.sort((a, b) => Date.parse(a.scheduledAt) - Date.parse(b.scheduledAt));
  const kept = next.slice(-SCHEDULE_HISTORY_MAX);
  return kept.includes(fire) ? kept : null;
}
