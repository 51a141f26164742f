import { ErrorCode, type EchoResult } from '@wadm/contracts';
import { NonRetryableError } from './errors.js';
import type { TaskHandler } from './handlers.js';
import { sleep } from './time.js';

export interface EchoOptions {
  /** `crash: true` kills the process only when the operator allowed it (WADM_ALLOW_CRASH). */
  allowCrash: boolean;
}

/** `diagnostics.echo`: returns its payload after sleeping, failing or crashing on request. */
export function createEchoHandler(opts: EchoOptions): TaskHandler<'diagnostics.echo'> {
  return async (ctx) => {
    const p = ctx.params;
    if (p.crash) {
      if (!opts.allowCrash) {
        throw new NonRetryableError('crash is disabled on this worker: set WADM_ALLOW_CRASH=1', {
          code: ErrorCode.CRASH_DISABLED,
        });
      }
      ctx.logger.warn('crashing on request (diagnostics.echo crash: true)');
      // SIGKILL, not exit(): a real crash runs no cleanup and acks nothing.
      process.kill(process.pid, 'SIGKILL');
    }
    const steps = p.progressSteps ?? (p.sleepMs ? 10 : 0);
    for (let i = 1; i <= steps; i++) {
      await sleep((p.sleepMs ?? 0) / steps, ctx.signal);
      if (ctx.signal.aborted) throw ctx.signal.reason;
      ctx.progress(i / steps, `step ${i} of ${steps}`);
    }
    if (steps === 0 && p.sleepMs) await sleep(p.sleepMs, ctx.signal);
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (ctx.attempt <= (p.failTimes ?? 0)) {
      const message = `failing on purpose: attempt ${ctx.attempt}, failTimes ${p.failTimes}`;
      throw p.nonRetryable ? new NonRetryableError(message) : new Error(message);
    }
    const result: EchoResult = {
      payload: p.payload ?? null,
      attempt: ctx.attempt,
      worker: ctx.worker,
    };
    if (p.resultBytes) result.padding = 'x'.repeat(p.resultBytes);
    return result;
  };
}
