import type { Context } from 'koa';
import type Router from '@koa/router';
import {
  isTerminal,
  IsoTime,
  isValidOwner,
  PRIORITIES,
  TASK_STATUSES,
  validate,
  type TaskStatus,
  type TaskType,
} from '@wadm/contracts';
import { decodeCursor, type ListFilters, type SubmitResult } from '@wadm/runtime';
import {
  forbidden,
  idempotencyKeyOf,
  intQuery,
  loadTask,
  principalOf,
  submitterOf,
  readBody,
  singleQuery,
  type ApiServices,
} from '../api-services.js';
import { HttpProblem, ProblemCode, validationProblem } from '../problem.js';
import { SubmitBody, type CancelResult, type Priority, type TaskPage } from '../schemas.js';
import { acceptedView, taskLinks, taskView } from '../task-view.js';

/** Seed-style shortcuts: `POST /api/v1/tasks/<name>` with the params as the whole body. */
export const SHORTCUTS = {
  backtest: 'backtest.run',
  report: 'reports.daily',
  export: 'exports.candles',
  analysis: 'analysis.history',
} as const satisfies Record<string, TaskType>;

export function respondAccepted(ctx: Context, { state, duplicate }: SubmitResult): void {
  const view = acceptedView(state, duplicate);
  ctx.status = 202;
  ctx.set('Location', view.links.self);
  if (duplicate) ctx.set('Idempotent-Replayed', 'true');
  ctx.body = view;
}

function parseSubmitBody(body: unknown): SubmitBody {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw validationProblem('body must be a JSON object', [
      { path: '/', message: 'must be an object' },
    ]);
  }
  const fields = validate(SubmitBody, body);
  if (fields.length > 0) throw validationProblem('invalid submission', fields);
  return body as SubmitBody;
}

/** `?priority=` and `?notBefore=` of a shortcut, whose body is all params. */
function shortcutOptions(ctx: Context): { priority?: Priority; notBefore?: string } {
  const priority = singleQuery(ctx, 'priority');
  const notBefore = singleQuery(ctx, 'notBefore');
  if (priority !== undefined && !(PRIORITIES as readonly string[]).includes(priority)) {
    throw validationProblem('bad priority', [
      { path: '/query/priority', message: `must be one of ${PRIORITIES.join(', ')}` },
    ]);
  }
  // The body field's own schema: a time that passes here cannot fail in the worker.
  const badTime = notBefore === undefined ? [] : validate(IsoTime, notBefore, '/query/notBefore');
  if (badTime.length > 0) throw validationProblem('bad notBefore', badTime);
  return {
    ...(priority ? { priority: priority as Priority } : {}),
    ...(notBefore ? { notBefore } : {}),
  };
}

function listFilters(ctx: Context): { owner: string; filters: ListFilters } {
  const principal = principalOf(ctx);
  const requested = singleQuery(ctx, 'owner');
  let owner = principal.admin ? '*' : principal.user;
  if (requested !== undefined && requested !== owner) {
    if (!principal.admin && requested !== principal.user) {
      throw forbidden('only admins list the tasks of other users');
    }
    if (requested !== '*' && !isValidOwner(requested)) {
      throw validationProblem('bad owner', [
        { path: '/query/owner', message: 'must be * or 1-64 of [A-Za-z0-9_-]' },
      ]);
    }
    owner = requested;
  }
  const filters: ListFilters = {
    limit: intQuery(ctx, 'limit', { min: 1, max: 1000, fallback: 50 }),
  };
  const raw = ctx.query['status'];
  if (raw !== undefined) {
    const statuses = [raw]
      .flat()
      .flatMap((s) => s.split(','))
      .map((s) => s.trim().toUpperCase());
    const bad = statuses.find((s) => !(TASK_STATUSES as readonly string[]).includes(s));
    if (bad !== undefined) {
      throw validationProblem('bad status filter', [
        { path: '/query/status', message: `must be among ${TASK_STATUSES.join(', ')}` },
      ]);
    }
    filters.status = statuses as TaskStatus[];
  }
  const type = singleQuery(ctx, 'type');
  if (type !== undefined) filters.type = type;
  const since = singleQuery(ctx, 'since');
  if (since !== undefined) {
    const t = Date.parse(since);
    if (Number.isNaN(t)) {
      throw validationProblem('bad since', [
        { path: '/query/since', message: 'must be an ISO-8601 time' },
      ]);
    }
    filters.since = new Date(t).toISOString();
  }
  const cursor = singleQuery(ctx, 'cursor');
  if (cursor !== undefined) {
    if (!isCursor(cursor)) {
      throw validationProblem('bad cursor', [
        { path: '/query/cursor', message: 'must be a next_cursor from an earlier page' },
      ]);
    }
    filters.cursor = cursor;
  }
  return { owner, filters };
}

/** The task client's cursor format (base64url JSON of two strings); it ignores bad ones. */
function isCursor(value: string): boolean {
  return /^[A-Za-z0-9_-]{1,1024}$/.test(value) && decodeCursor(value) !== null;
}

export function taskRoutes(router: Router, s: ApiServices): void {
  router.post('/tasks', async (ctx) => {
    const body = parseSubmitBody(await readBody(ctx, s));
    const result = await s.submitter.submit(submitterOf(ctx), {
      type: body.type,
      params: body.params ?? {},
      ...(body.priority ? { priority: body.priority } : {}),
      ...(body.notBefore ? { notBefore: body.notBefore } : {}),
      ...idempotency(ctx),
    });
    respondAccepted(ctx, result);
  });

  for (const [name, type] of Object.entries(SHORTCUTS)) {
    router.post(`/tasks/${name}`, async (ctx) => {
      const options = shortcutOptions(ctx);
      const params = await readBody(ctx, s);
      const result = await s.submitter.submit(submitterOf(ctx), {
        type,
        params,
        ...options,
        ...idempotency(ctx),
      });
      respondAccepted(ctx, result);
    });
  }

  router.get('/tasks', async (ctx) => {
    const { owner, filters } = listFilters(ctx);
    const page = await s.client.list(owner, filters);
    const body: TaskPage = {
      tasks: page.tasks.map((t) => taskView(t, { withResult: false })),
      next_cursor: page.nextCursor,
    };
    ctx.body = body;
  });

  router.get('/tasks/:id', async (ctx) => {
    ctx.body = taskView(await loadTask(ctx, s, ctx.params['id'] ?? ''), { withResult: true });
  });

  router.delete('/tasks/:id', async (ctx) => {
    const task = await loadTask(ctx, s, ctx.params['id'] ?? '');
    const { state, outcome } = await s.client.cancel(task.owner, task.id);
    const body: CancelResult = { task_id: state.id, status: state.status, outcome };
    // A running task is only asked to stop: accepted, not done; Location is where to watch it.
    ctx.status = outcome === 'revoked' ? 200 : 202;
    if (ctx.status === 202) ctx.set('Location', taskLinks(state.id).self);
    ctx.body = body;
  });

  router.post('/tasks/:id/retry', async (ctx) => {
    const task = await loadTask(ctx, s, ctx.params['id'] ?? '');
    if (!isTerminal(task.status)) {
      throw new HttpProblem(
        409,
        ProblemCode.TASK_NOT_FINISHED,
        `task ${task.id} is ${task.status}; only a finished task can be retried`,
      );
    }
    // The copy belongs to the task's owner, also when an admin asks for it.
    const caller = submitterOf(ctx);
    const result = await s.submitter.submit(
      { ...caller, owner: task.owner },
      {
        type: task.type,
        params: task.params,
        priority: task.priority,
        retryOf: task.id,
        ...idempotency(ctx),
      },
    );
    respondAccepted(ctx, result);
  });
}

function idempotency(ctx: Context): { idempotencyKey?: string } {
  const key = idempotencyKeyOf(ctx);
  return key ? { idempotencyKey: key } : {};
}
