import { describe, expect, it } from 'vitest';
import { RevokedError, ShutdownError } from '../../src/errors.js';
import type { AnyHandler, TaskContext } from '../../src/handlers.js';
import { runHandler } from '../../src/worker/handler-run.js';

const ctx = { id: 't', owner: 'o', attempt: 1, maxAttempts: 3 } as Omit<TaskContext, 'signal'>;
const limits = { softTimeLimitMs: 60_000, timeLimitMs: 60_000 };

/** Waits for its signal and stops with whatever error the I/O would throw. */
const cooperative: AnyHandler = ({ signal }) =>
  new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
/** Ignores its signal forever, as a stuck synchronous library call would. */
const stuck: AnyHandler = () => new Promise(() => {});

describe('runHandler', () => {
  it('returns the result of a handler that finishes', async () => {
    const outcome = await runHandler(async () => 42, ctx, new AbortController(), limits);
    expect(outcome).toEqual({ kind: 'success', result: 42 });
  });

  it('aborts the signal at the soft limit and reports why the handler stopped', async () => {
    const soft = { softTimeLimitMs: 20, timeLimitMs: 60_000 };
    const outcome = await runHandler(cooperative, ctx, new AbortController(), soft);
    expect(outcome).toMatchObject({
      kind: 'error',
      error: { code: 'SOFT_TIME_LIMIT_EXCEEDED', retryable: false },
    });
  });

  it('abandons a handler that ignores its signal at the hard limit', async () => {
    const hard = { softTimeLimitMs: 10, timeLimitMs: 30 };
    const outcome = await runHandler(stuck, ctx, new AbortController(), hard);
    expect(outcome).toMatchObject({ kind: 'error', error: { code: 'TIME_LIMIT_EXCEEDED' } });
  });

  it('tells a revoke from a shutdown, even when the handler ignores both', async () => {
    const revoke = new AbortController();
    const revoked = runHandler(stuck, ctx, revoke, limits);
    revoke.abort(new RevokedError());
    expect(await revoked).toEqual({ kind: 'revoked' });

    const shutdown = new AbortController();
    const interrupted = runHandler(stuck, ctx, shutdown, limits);
    shutdown.abort(new ShutdownError());
    expect(await interrupted).toEqual({ kind: 'interrupted' });
  });
});
