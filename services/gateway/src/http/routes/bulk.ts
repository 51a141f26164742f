import type Router from '@koa/router';
import { validate } from '@wadm/contracts';
import type { Context } from 'koa';
import {
  idempotencyKeyOf,
  loadTask,
  submitterOf,
  readBody,
  type ApiServices,
} from '../api-services.js';
import { toProblem } from '../error-handler.js';
import { HttpProblem, validationProblem } from '../problem.js';
import {
  BulkCancelBody,
  BulkSubmitEnvelope,
  BulkSubmitItem,
  type BulkCancelItemResult,
  type BulkCancelResult,
  type BulkSubmitItemResult,
  type BulkSubmitResult,
} from '../schemas.js';
import { forEachLimited, type SubmitInput } from '../submitter.js';

const CANCEL_CONCURRENCY = 64;

function parseEnvelope<T>(body: unknown, schema: Parameters<typeof validate>[0]): T {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw validationProblem('body must be a JSON object', [
      { path: '/', message: 'must be an object' },
    ]);
  }
  const fields = validate(schema, body);
  if (fields.length > 0) throw validationProblem('invalid bulk request', fields);
  return body as T;
}

/** One item of a bulk submission, or why it cannot be submitted. */
function parseItem(item: unknown, index: number, headerKey?: string): SubmitInput | HttpProblem {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    return validationProblem(`item ${index} must be an object`, [
      { path: '/', message: 'must be an object' },
    ]);
  }
  const fields = validate(BulkSubmitItem, item);
  if (fields.length > 0) return validationProblem(`invalid item ${index}`, fields);
  const it = item as BulkSubmitItem;
  // A retried bulk request with the same header resubmits nothing: each item gets its own key.
  const key = it.idempotencyKey ?? (headerKey ? `${headerKey}#${index}` : undefined);
  return {
    type: it.type,
    params: it.params ?? {},
    ...(it.priority ? { priority: it.priority } : {}),
    ...(it.notBefore ? { notBefore: it.notBefore } : {}),
    ...(key ? { idempotencyKey: key } : {}),
  };
}

function requestId(ctx: Context): string {
  return String(ctx.response.get('X-Request-Id'));
}

export function bulkRoutes(router: Router, s: ApiServices): void {
  const logger = s.deps.logger;

  router.post('/tasks/bulk', async (ctx) => {
    const body = await readBody(ctx, s);
    const headerKey = idempotencyKeyOf(ctx);
    const { tasks } = parseEnvelope<{ tasks: unknown[] }>(body, BulkSubmitEnvelope);
    const parsed = tasks.map((item, i) => parseItem(item, i, headerKey));
    const inputs = parsed.flatMap((p, i) =>
      p instanceof HttpProblem ? [] : [{ index: i, input: p }],
    );
    const outcomes = await s.submitter.submitMany(
      submitterOf(ctx),
      inputs.map((x) => x.input),
    );
    const results: BulkSubmitItemResult[] = parsed.map((p, index) =>
      p instanceof HttpProblem
        ? { index, status: p.status, error: p.body() }
        : { index, status: 0 },
    );
    outcomes.forEach((outcome, k) => {
      const index = inputs[k]?.index ?? 0;
      if ('ok' in outcome) {
        const { state, duplicate } = outcome.ok;
        results[index] = {
          index,
          status: 202,
          task_id: state.id,
          task_status: state.status,
          duplicate,
        };
      } else {
        const problem = toProblem(outcome.error, logger, requestId(ctx));
        results[index] = { index, status: problem.status, error: problem.body() };
      }
    });
    const accepted = results.filter((r) => r.status === 202).length;
    const response: BulkSubmitResult = { accepted, rejected: results.length - accepted, results };
    // 207: the items' own statuses say what happened to each.
    ctx.status = response.rejected === 0 ? 202 : 207;
    ctx.body = response;
  });

  router.post('/tasks/bulk/cancel', async (ctx) => {
    const body = await readBody(ctx, s);
    const { task_ids: ids } = parseEnvelope<BulkCancelBody>(body, BulkCancelBody);
    const results: BulkCancelItemResult[] = [];
    await forEachLimited(ids, CANCEL_CONCURRENCY, async (id, index) => {
      try {
        const task = await loadTask(ctx, s, id);
        const { state, outcome } = await s.client.cancel(task.owner, task.id);
        const status = outcome === 'revoked' ? 200 : 202;
        results[index] = { index, task_id: id, status, outcome, task_status: state.status };
      } catch (err) {
        const problem = toProblem(err, logger, requestId(ctx));
        results[index] = { index, task_id: id, status: problem.status, error: problem.body() };
      }
    });
    const cancelled = results.filter((r) => r.status < 300).length;
    const response: BulkCancelResult = {
      cancelled,
      rejected: results.length - cancelled,
      results,
    };
    ctx.status = response.rejected === 0 ? 200 : 207;
    ctx.body = response;
  });
}
