import { ErrorCode, type TaskErrorData } from '@wadm/contracts';
import { RevokedError, ShutdownError, SoftTimeLimitError, toErrorData } from '../errors.js';
import type { AnyHandler, TaskContext } from '../handlers.js';

export type HandlerOutcome =
  | { kind: 'success'; result: unknown }
  | { kind: 'error'; error: TaskErrorData }
  | { kind: 'revoked' }
  | { kind: 'interrupted' };

export interface HandlerLimits {
  softTimeLimitMs: number;
  timeLimitMs: number;
}

/**
 * Runs one attempt under its limits. The soft limit aborts the signal and lets the handler wind
 * down; the hard limit, a revoke or a shutdown stop waiting for it at once (a handler that
 * ignores its signal is abandoned; CPU work belongs on worker threads, which can be terminated).
 */
export async function runHandler(
  handler: AnyHandler,
  ctx: Omit<TaskContext, 'signal'>,
  controller: AbortController,
  limits: HandlerLimits,
): Promise<HandlerOutcome> {
  const timers: NodeJS.Timeout[] = [];
  const stopWaiting = new Promise<HandlerOutcome>((resolve) => {
    timers.push(
      setTimeout(
        () => controller.abort(new SoftTimeLimitError(limits.softTimeLimitMs)),
        limits.softTimeLimitMs,
      ),
      setTimeout(
        () =>
          resolve({
            kind: 'error',
            error: {
              code: ErrorCode.TIME_LIMIT_EXCEEDED,
              message: `time limit of ${limits.timeLimitMs} ms exceeded`,
              retryable: false,
            },
          }),
        limits.timeLimitMs,
      ),
    );
    controller.signal.addEventListener('abort', () => {
      const reason: unknown = controller.signal.reason;
      if (reason instanceof RevokedError) resolve({ kind: 'revoked' });
      else if (reason instanceof ShutdownError) resolve({ kind: 'interrupted' });
    });
  });
  const run = (async (): Promise<HandlerOutcome> => {
    try {
      const result = await handler({ ...ctx, signal: controller.signal });
      return { kind: 'success', result };
    } catch (err) {
      // A handler that stops on its signal throws whatever its I/O throws (often an AbortError):
      // the signal's reason says why it stopped.
      const cause: unknown = controller.signal.aborted ? controller.signal.reason : err;
      return { kind: 'error', error: toErrorData(cause) };
    }
  })();
  try {
    return await Promise.race([run, stopWaiting]);
  } finally {
    for (const t of timers) clearTimeout(t);
  }
}
