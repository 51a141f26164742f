import { isTerminal, type TaskState } from '@wadm/contracts';
import { isoNow } from '../time.js';
import { initialState, type ParsedCommand } from './command-parser.js';
import type { ExecutionDeps } from './execution-deps.js';

/**
 * Records a delivery that is not an attempt (an ETA wait, a hand-back on shutdown). With
 * `PENDING`, the attempt it interrupted is handed back too: it does not count.
 */
export async function recordDeferral(
  task: ParsedCommand,
  deps: ExecutionDeps,
  status?: 'PENDING',
): Promise<void> {
  await deps.store.mutate(task.owner, task.id, (cur) => {
    const base = cur ?? initialState(task);
    if (isTerminal(base.status)) return null;
    const next: TaskState = { ...base, deferrals: base.deferrals + 1, updatedAt: isoNow() };
    if (status) {
      next.status = status;
      next.attempts = Math.max(0, base.attempts - 1);
    }
    return next;
  });
}
