import type { Context } from 'koa';
import type { JetStreamManager } from '@nats-io/jetstream';
import {
  isValidId,
  SubmitterRole,
  type AlertRule,
  type TaskState,
  type WebhookRegistration,
} from '@wadm/contracts';
import type { Principal } from '@wadm/auth';
import type { CandleStore } from '@wadm/market-data';
import type { ArtifactStore, DeadLetterAdmin, TaskClient } from '@wadm/runtime';
import type { GatewayDeps } from '../deps.js';
import { unauthorized, type ApiState } from './auth.js';
import { readJson } from './body.js';
import type { OwnedBucket } from './owned-bucket.js';
import { HttpProblem, ProblemCode, taskNotFound, validationProblem } from './problem.js';
import type { Submitter, Submitting } from './submitter.js';

/** What the API's routes share: built once per app by createApp. */
export interface ApiServices {
  deps: GatewayDeps;
  client: TaskClient;
  submitter: Submitter;
  /** Opened on first use: a gateway that never serves an artifact never opens the store. */
  artifacts(): Promise<ArtifactStore>;
  deadLetters(): Promise<DeadLetterAdmin>;
  jsm(): Promise<JetStreamManager>;
  /** Market data: MongoDB when `MONGODB_URL` is set, else the MARKET_DATA object store. */
  candles(): Promise<CandleStore>;
  /** Users' registered webhook destinations (WEBHOOKS). */
  webhooks(): Promise<OwnedBucket<WebhookRegistration>>;
  /** Users' alert rules (ALERTS). */
  alerts(): Promise<OwnedBucket<AlertRule>>;
}

/**
 * The caller. Every API route is behind the auth middleware; a route reached without a
 * principal would be a routing bug, so it fails closed as a 401 rather than run as nobody.
 */
export function principalOf(ctx: Context): Principal {
  const { principal } = ctx.state as Partial<ApiState>;
  if (!principal) throw unauthorized('missing bearer token', false);
  return principal;
}

export function roleOf(principal: Principal): SubmitterRole {
  if (principal.system) return SubmitterRole.SYSTEM;
  return principal.admin ? SubmitterRole.ADMIN : SubmitterRole.USER;
}

/** The caller submitting tasks of their own. */
export function submitterOf(ctx: Context): Submitting {
  const principal = principalOf(ctx);
  return { owner: principal.user, role: roleOf(principal), email: principal.email };
}

export function readBody(ctx: Context, s: ApiServices): Promise<unknown> {
  return readJson(ctx, s.deps.env.maxBodyBytes);
}

/**
 * The task `id` as the caller may see it. Someone else's task is answered exactly like a task
 * that does not exist, so ids of other users cannot be probed.
 */
export async function loadTask(ctx: Context, s: ApiServices, id: string): Promise<TaskState> {
  if (!isValidId(id)) throw taskNotFound(id);
  const principal = principalOf(ctx);
  const state = principal.admin
    ? ((await s.client.get(principal.user, id)) ?? (await s.client.find(id)))
    : await s.client.get(principal.user, id);
  if (!state) throw taskNotFound(id);
  return state;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The `Idempotency-Key` header: 1-255 visible ASCII characters, or absent. */
export function idempotencyKeyOf(ctx: Context): string | undefined {
  const key = ctx.get('idempotency-key');
  if (key === '') return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw validationProblem('bad Idempotency-Key header', [
      { path: '/headers/idempotency-key', message: 'must be 1-255 visible ASCII characters' },
    ]);
  }
  return key;
}

/** One query parameter given at most once (`?a=1&a=2` is refused, not silently cut). */
export function singleQuery(ctx: Context, name: string): string | undefined {
  const value = ctx.query[name];
  if (Array.isArray(value)) {
    throw validationProblem(`query parameter ${name} given more than once`, [
      { path: `/query/${name}`, message: 'must be given at most once' },
    ]);
  }
  return value;
}

/** An integer query parameter within bounds, or the default. */
export function intQuery(
  ctx: Context,
  name: string,
  { min, max, fallback }: { min: number; max: number; fallback: number },
): number {
  const raw = singleQuery(ctx, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d{1,9}$/.test(raw) || value < min || value > max) {
    throw validationProblem(`bad query parameter ${name}`, [
      { path: `/query/${name}`, message: `must be an integer from ${min} to ${max}` },
    ]);
  }
  return value;
}

export function forbidden(detail: string): HttpProblem {
  return new HttpProblem(403, ProblemCode.FORBIDDEN, detail);
}
