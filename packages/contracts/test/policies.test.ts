import { describe, expect, it } from 'vitest';
import {
  canTransition,
  formatFieldErrors,
  retryDelayMs,
  retryDelayRange,
  TASK_CATALOG,
  TASK_STATUSES,
  isTerminal,
  validateCommand,
  validateParams,
  type RetryPolicy,
  type TypesOf,
} from '../src/index.js';

const policy: RetryPolicy = { maxAttempts: 5, backoffMs: 1_000, maxBackoffMs: 5_000, jitter: 0.2 };

describe('retry policy', () => {
  it('doubles the delay per attempt up to the ceiling', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4].map((a) => retryDelayMs(policy, a, mid))).toEqual([
      1_000, 2_000, 4_000, 5_000,
    ]);
  });

  it('keeps jitter inside the advertised range', () => {
    for (const r of [0, 0.999]) {
      const [min, max] = retryDelayRange(policy, 2);
      const delay = retryDelayMs(policy, 2, () => r);
      expect(delay).toBeGreaterThanOrEqual(min);
      expect(delay).toBeLessThanOrEqual(max);
    }
    expect(retryDelayRange(policy, 2)).toEqual([1_600, 2_400]);
  });
});

describe('statuses', () => {
  it('lets nothing leave SUCCESS or REVOKED, and FAILURE only by replay', () => {
    for (const to of TASK_STATUSES) {
      expect(canTransition('SUCCESS', to)).toBe(false);
      expect(canTransition('REVOKED', to)).toBe(false);
      expect(canTransition('FAILURE', to)).toBe(to === 'PENDING');
    }
    expect(TASK_STATUSES.filter(isTerminal)).toEqual(['SUCCESS', 'FAILURE', 'REVOKED']);
  });
});

describe('validation', () => {
  it('names each failing field in words a user reads', () => {
    const params: Record<string, unknown> = { failTimes: 'x', extra: 1 };
    const errors = validateParams('diagnostics.echo', params);
    expect(errors).toEqual([
      { path: '/params/extra', message: 'is not a known field' },
      { path: '/params/failTimes', message: 'must be integer' },
    ]);
    expect(formatFieldErrors(errors)).toContain('/params/failTimes');
  });

  it('reports a large invalid value by its first error, and a message counts what it omits', () => {
    const params: Record<string, unknown> = {};
    for (let i = 0; i < 5_000; i++) params[`k${i}`] = i;
    expect(validateParams('diagnostics.echo', params)).toEqual([
      { path: '/params/k0', message: 'is not a known field' },
    ]);
    const small: Record<string, unknown> = {};
    for (let i = 0; i < 30; i++) small[`k${i}`] = i;
    const all = validateParams('diagnostics.echo', small);
    expect(all).toHaveLength(30);
    const message = formatFieldErrors(all);
    expect(message).toContain('and 25 more');
    expect(message).not.toContain('/params/k29');
  });

  it('accepts the smallest hand-written command and refuses a bad one', () => {
    expect(validateCommand({ type: 'diagnostics.echo', params: {} })).toEqual([]);
    expect(validateCommand({ type: 'diagnostics.echo' })).toEqual([
      { path: '/params', message: 'is required' },
    ]);
  });

  it('types the task types of a queue from the catalog, so handler maps are checked', () => {
    const notify: TypesOf<'notify'>[] = ['notify.email', 'notify.webhook'];
    // @ts-expect-error backtest.run is not a notify type: the type check is the assertion here.
    const wrong: TypesOf<'notify'>[] = ['backtest.run'];
    expect(notify).toHaveLength(2);
    expect(wrong).toHaveLength(1);
  });

  it('gives every type a schema, limits and a retry policy', () => {
    for (const def of Object.values(TASK_CATALOG)) {
      expect(def.limits.softTimeLimitMs).toBeLessThanOrEqual(def.limits.timeLimitMs);
      expect(def.retry.maxAttempts).toBeGreaterThanOrEqual(1);
      expect(def.params).toHaveProperty('type', 'object');
    }
  });
});
