import { Type, type Static } from '@sinclair/typebox';

/** How a task type is retried: exponential backoff with jitter, counted per attempt. */
export const RetryPolicy = Type.Object({
  /** Attempts in all, the first included. */
  maxAttempts: Type.Integer({ minimum: 1, maximum: 100 }),
  /** Delay before the second attempt; doubles each time. */
  backoffMs: Type.Integer({ minimum: 0 }),
  /** Ceiling for one delay. */
  maxBackoffMs: Type.Integer({ minimum: 0 }),
  /** Fraction of the delay randomised either way (0.2 = ±20 %). */
  jitter: Type.Number({ minimum: 0, maximum: 1 }),
});
export type RetryPolicy = Static<typeof RetryPolicy>;

function baseDelayMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.max(0, attempt - 1));
}

/** Delay before attempt `attempt + 1`, given the attempt that just failed (1-based). */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const base = baseDelayMs(policy, attempt);
  const spread = base * policy.jitter;
  return Math.max(0, Math.round(base - spread + random() * 2 * spread));
}

/** Bounds of `retryDelayMs`, for callers that check a delay they observed. */
export function retryDelayRange(policy: RetryPolicy, attempt: number): [number, number] {
  const base = baseDelayMs(policy, attempt);
  return [Math.floor(base * (1 - policy.jitter)), Math.ceil(base * (1 + policy.jitter))];
}
