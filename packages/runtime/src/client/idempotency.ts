import { createHash } from 'node:crypto';
import { ErrorCode, type TaskState } from '@wadm/contracts';
import { TaskRequestError } from '../errors.js';

/** The task id an idempotency key stands for: one per owner and key. */
export function idempotentId(owner: string, key: string): string {
  return `k-${createHash('sha256').update(`${owner}\u0000${key}`).digest('base64url').slice(0, 32)}`;
}

/** JSON values equal whatever the order of their object keys. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  if (ak.length !== bk.length) return false;
  const br = b as Record<string, unknown>;
  return ak.every(
    (k) => Object.hasOwn(br, k) && sameJson((a as Record<string, unknown>)[k], br[k]),
  );
}

/**
 * A key sent again must mean the same request (Stripe's rule): another type or other params
 * under a known key is the caller's mistake, never a silent replay of the first task.
 * `params` are the new request's, after validation filled in its defaults.
 */
export function checkIdempotentReplay(stored: TaskState, type: string, params: unknown): void {
  if (stored.type === type && sameJson(stored.params, params)) return;
  const what = stored.type === type ? 'other params' : `type ${type} (it was ${stored.type})`;
  throw new TaskRequestError(
    ErrorCode.IDEMPOTENCY_KEY_REUSED,
    `this Idempotency-Key was first used for task ${stored.id}, with different type or params: now ${what}`,
  );
}
