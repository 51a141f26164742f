import type { Context } from 'koa';
import type Router from '@koa/router';
import {
  fireIdempotencyKey,
  isTaskType,
  isValidOwner,
  isValidScheduleId,
  manualRunIdempotencyKey,
  ScheduleBackfillRequest,
  validate,
  paramRefusal,
  scheduleSpecErrors,
  SYSTEM_OWNER,
  TASK_TYPES,
  typeRefusal,
  type FieldError,
  type Schedule,
  type ScheduleSpec,
  type SubmitRefusal,
} from '@wadm/contracts';
import type { Principal } from '@wadm/auth';
import { scheduleTimer, scheduleTimingErrors, ScheduleStore } from '@wadm/runtime';
import { principalOf, readBody, roleOf, singleQuery, type ApiServices } from '../api-services.js';
import { toProblem } from '../error-handler.js';
import { HttpProblem, ProblemCode, validationProblem } from '../problem.js';
import {
  backfillTimes,
  type BackfillFire,
  type BackfillResult,
  type ScheduleRuns,
  type ScheduleView,
} from './schedule-views.js';
import { respondAccepted } from './tasks.js';

const PREFIX = '/api/v1/schedules';

/** A schedule as the API shows it: as stored, with its next fire time when enabled. */
function scheduleView(schedule: Schedule): ScheduleView {
  let next: Date | null = null;
  if (schedule.enabled) {
    try {
      next = scheduleTimer(schedule).next(new Date());
    } catch {
      next = null;
    }
  }
  return { ...schedule, nextFireAt: next?.toISOString() ?? null };
}

function notFound(id: string): HttpProblem {
  return new HttpProblem(404, ProblemCode.SCHEDULE_NOT_FOUND, `no schedule ${JSON.stringify(id)}`);
}

function refused(refusal: SubmitRefusal): HttpProblem {
  const error = { path: `/task${refusal.path}`, message: refusal.message };
  return new HttpProblem(403, ProblemCode.FORBIDDEN, refusal.message, { errors: [error] });
}

/** `system` schedules are the operators': only an admin (or the system) sees or edits them. */
function mayOwn(principal: Principal, owner: string): boolean {
  if (principal.admin || principal.system) return true;
  return owner === principal.user && owner !== SYSTEM_OWNER;
}

/**
 * The spec in `body`, defaults filled in, checked the way a submission is: schema, one of cron
 * and every, croner's word on the cron and the time zone, a known type, who may submit it,
 * its params and who may use them. `id` is the path's when the route has one.
 */
function checkSpec(principal: Principal, body: unknown, pathId?: string): ScheduleSpec {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw validationProblem('body must be a JSON object', [
      { path: '/', message: 'must be an object' },
    ]);
  }
  const spec: Record<string, unknown> = { ...body };
  delete spec['owner'];
  if (pathId !== undefined) {
    if (spec['id'] !== undefined && spec['id'] !== pathId) {
      throw validationProblem('id differs from the path', [
        { path: '/id', message: `must be ${pathId} or left out` },
      ]);
    }
    spec['id'] = pathId;
  }
  const task = spec['task'] as { type?: unknown } | undefined;
  if (task && typeof task === 'object' && typeof task.type === 'string' && !isTaskType(task.type)) {
    throw new HttpProblem(
      400,
      ProblemCode.UNKNOWN_TASK_TYPE,
      `unknown task type ${JSON.stringify(task.type)}; known types: ${TASK_TYPES.join(', ')}`,
      {
        errors: [{ path: '/task/type', message: 'is not a known task type' }],
        extra: { known_types: TASK_TYPES },
      },
    );
  }
  const fields: FieldError[] = scheduleSpecErrors(spec);
  if (fields.length > 0) throw validationProblem('invalid schedule', fields);
  const valid = spec as ScheduleSpec;
  const timing = scheduleTimingErrors(valid);
  if (timing.length > 0) throw validationProblem('invalid schedule timing', timing);
  if (!isTaskType(valid.task.type)) throw new Error('unreachable: type checked above');
  const role = roleOf(principal);
  const refusal =
    typeRefusal(valid.task.type, role) ?? paramRefusal(valid.task.type, valid.task.params, role);
  if (refusal) throw refused(refusal);
  return valid;
}

/** Whose schedule the request means: `?owner=` (admins), else the caller's. */
function requestedOwner(ctx: Context, principal: Principal, body?: unknown): string {
  const fromBody =
    body && typeof body === 'object' ? (body as Record<string, unknown>)['owner'] : undefined;
  const raw = fromBody ?? singleQuery(ctx, 'owner') ?? principal.user;
  const path = fromBody !== undefined ? '/owner' : '/query/owner';
  if (!isValidOwner(raw)) {
    throw validationProblem('bad owner', [{ path, message: 'must be 1-64 of [A-Za-z0-9_-]' }]);
  }
  if (!mayOwn(principal, raw)) {
    throw new HttpProblem(
      403,
      ProblemCode.FORBIDDEN,
      raw === SYSTEM_OWNER
        ? 'system schedules are for admins'
        : 'only admins manage the schedules of other users',
      { errors: [{ path, message: 'is not yours' }] },
    );
  }
  return raw;
}

export function scheduleRoutes(router: Router, s: ApiServices): void {
  let opened: Promise<ScheduleStore> | undefined;
  const store = (): Promise<ScheduleStore> => {
    opened ??= ScheduleStore.open(s.deps.nc).catch((err: unknown) => {
      opened = undefined;
      throw err;
    });
    return opened;
  };

  /**
   * The schedule `id` of the request's owner, as the caller may see it. An admin without
   * `?owner=` finds their own, then the system's. Others' schedules read as missing.
   */
  async function load(ctx: Context): Promise<{ schedule: Schedule; revision: number }> {
    const id = ctx.params['id'] ?? '';
    const principal = principalOf(ctx);
    if (!isValidScheduleId(id)) throw notFound(id);
    const explicit = singleQuery(ctx, 'owner');
    const owner = requestedOwner(ctx, principal);
    const kv = await store();
    const found =
      (await kv.get(owner, id)) ??
      (explicit === undefined && (principal.admin || principal.system)
        ? await kv.get(SYSTEM_OWNER, id)
        : null);
    if (!found) throw notFound(id);
    return found;
  }

  async function change(
    ctx: Context,
    fn: (current: Schedule, now: string) => Schedule | null,
  ): Promise<void> {
    const { schedule } = await load(ctx);
    const now = new Date().toISOString();
    const stored = await (await store()).mutate(schedule.owner, schedule.id, (cur) => fn(cur, now));
    if (!stored) throw notFound(schedule.id);
    ctx.body = scheduleView(stored.schedule);
  }

  router.get('/schedules', async (ctx) => {
    const principal = principalOf(ctx);
    const requested = singleQuery(ctx, 'owner');
    const owner = principal.admin && requested === undefined ? '*' : requestedOwner(ctx, principal);
    const schedules = await (await store()).list(owner);
    ctx.body = { schedules: schedules.map(scheduleView) };
  });

  router.post('/schedules', async (ctx) => {
    const principal = principalOf(ctx);
    const body = await readBody(ctx, s);
    const owner = requestedOwner(ctx, principal, body);
    const spec = checkSpec(principal, body);
    const kv = await store();
    const limit = s.deps.env.schedulesPerUser;
    const now = new Date().toISOString();
    const schedule: Schedule = {
      ...spec,
      v: 1,
      owner,
      createdAt: now,
      updatedAt: now,
      history: [],
    };
    // The system's schedules have no limit; a user's are counted where creates cannot race.
    const outcome =
      owner === SYSTEM_OWNER
        ? (await kv.create(schedule))
          ? 'created'
          : 'exists'
        : await kv.createWithin(schedule, limit);
    if (outcome === 'limit') {
      throw new HttpProblem(
        429,
        ProblemCode.SCHEDULE_LIMIT_EXCEEDED,
        `${owner} has ${limit} schedules, the most one user may have`,
      );
    }
    if (outcome === 'exists') {
      throw new HttpProblem(409, ProblemCode.SCHEDULE_EXISTS, `schedule ${spec.id} already exists`);
    }
    ctx.status = 201;
    ctx.set('Location', `${PREFIX}/${spec.id}${owner === principal.user ? '' : `?owner=${owner}`}`);
    ctx.body = scheduleView(schedule);
  });

  router.get('/schedules/:id', async (ctx) => {
    ctx.body = scheduleView((await load(ctx)).schedule);
  });

  router.put('/schedules/:id', async (ctx) => {
    const principal = principalOf(ctx);
    const body = await readBody(ctx, s);
    const spec = checkSpec(principal, body, ctx.params['id']);
    // Everything but the spec stays: owner, createdAt and the fire history.
    await change(ctx, (cur, now) => ({
      ...spec,
      v: 1,
      owner: cur.owner,
      createdAt: cur.createdAt,
      updatedAt: now,
      history: cur.history,
    }));
  });

  router.delete('/schedules/:id', async (ctx) => {
    const { schedule } = await load(ctx);
    await (await store()).delete(schedule.owner, schedule.id);
    ctx.status = 204;
  });

  for (const [action, enabled] of [
    ['pause', false],
    ['resume', true],
  ] as const) {
    router.post(`/schedules/:id/${action}`, async (ctx) => {
      await change(ctx, (cur, now) =>
        cur.enabled === enabled ? null : { ...cur, enabled, updatedAt: now },
      );
    });
  }

  router.post('/schedules/:id/run', async (ctx) => {
    const principal = principalOf(ctx);
    const { schedule } = await load(ctx);
    const result = await s.submitter.submit(
      { owner: schedule.owner, role: roleOf(principal) },
      {
        type: schedule.task.type,
        params: schedule.task.params,
        priority: schedule.task.priority,
        idempotencyKey: manualRunIdempotencyKey(schedule.id, new Date()),
      },
    );
    respondAccepted(ctx, result);
  });
  router.get('/schedules/:id/runs', async (ctx) => {
    const { schedule } = await load(ctx);
    const runs = await Promise.all(
      [...schedule.history].reverse().map(async (fire) => {
        const task = fire.taskId ? await s.client.get(schedule.owner, fire.taskId) : null;
        return { ...fire, taskStatus: task?.status ?? null };
      }),
    );
    ctx.body = { runs } satisfies ScheduleRuns;
  });

  /**
   * Submits every fire time of [from, to] with the fire's own idempotency key: a time the
   * scheduler fired, or an earlier backfill submitted, gets its existing task back, never a
   * second one. Overlap does not apply: the range is in the past. 202 when every fire has a
   * task, else 207 with each fire's status.
   */
  router.post('/schedules/:id/backfill', async (ctx) => {
    const principal = principalOf(ctx);
    const body = await readBody(ctx, s);
    const { schedule } = await load(ctx);
    const fields = validate(ScheduleBackfillRequest, body);
    if (fields.length > 0) throw validationProblem('invalid backfill range', fields);
    const times = backfillTimes(
      scheduleTimer(schedule),
      body as ScheduleBackfillRequest,
      new Date(),
    );
    if (times.length > 0 && !(times[0] instanceof Date)) {
      throw validationProblem('invalid backfill range', times as FieldError[]);
    }
    const fireTimes = times as Date[];
    const outcomes = await s.submitter.submitMany(
      { owner: schedule.owner, role: roleOf(principal) },
      fireTimes.map((at) => ({
        type: schedule.task.type,
        params: schedule.task.params,
        priority: schedule.task.priority,
        idempotencyKey: fireIdempotencyKey(schedule.id, at),
      })),
    );
    const fires: BackfillFire[] = outcomes.map((outcome, i) => {
      const scheduledAt = (fireTimes[i] as Date).toISOString();
      if ('ok' in outcome) {
        const { state, duplicate } = outcome.ok;
        return {
          scheduledAt,
          status: 202,
          task_id: state.id,
          task_status: state.status,
          duplicate,
        };
      }
      const problem = toProblem(
        outcome.error,
        s.deps.logger,
        String(ctx.response.get('X-Request-Id')),
      );
      return { scheduledAt, status: problem.status, error: problem.body() };
    });
    const accepted = fires.filter((f) => f.status === 202).length;
    ctx.status = accepted === fires.length ? 202 : 207;
    ctx.body = { accepted, rejected: fires.length - accepted, fires } satisfies BackfillResult;
  });
}
