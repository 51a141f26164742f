import { formatFieldErrors } from '@wadm/contracts';
import { NonRetryableError } from '@wadm/runtime';
import { BacktestSpecError } from '../engine/index.js';

/**
 * `fn()`, with the engine's refusal of a spec turned into a `NonRetryableError`: a retry cannot
 * fix bad params. Field paths are moved under `/params`, as the runtime's schema check reports
 * them, so a client reads one kind of path whichever check refused the task.
 */
export function withSpecErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof BacktestSpecError)) throw err;
    const fields = err.fields.map((f) => ({ path: `/params${f.path}`, message: f.message }));
    throw new NonRetryableError(`invalid parameters: ${formatFieldErrors(fields)}`, {
      code: err.code,
      cause: err,
      fields,
    });
  }
}
