import { isTerminal, type TaskState } from '@wadm/contracts';
import type { TaskClient } from '@wadm/runtime';
import { ExitCode, FailureError } from './errors.js';
import type { Output } from './output.js';

export interface FollowOptions {
  /** Give up after this long. @defaultValue wait until the task ends */
  timeoutMs?: number;
  /** Called once per visible change (status, progress, attempt), starting with the current state. */
  onChange?: (state: TaskState) => void;
}

/**
 * Follows a task's state in TASK_STATE until it is terminal. Resolves with the terminal state;
 * throws FailureError when the time runs out or the connection ends first.
 */
export async function followTask(
  client: TaskClient,
  owner: string,
  id: string,
  opts: FollowOptions = {},
): Promise<TaskState> {
  const abort = new AbortController();
  const timer =
    opts.timeoutMs === undefined ? undefined : setTimeout(() => abort.abort(), opts.timeoutMs);
  let last: TaskState | undefined;
  let lastKey = '';
  try {
    for await (const state of client.watch(owner, id, abort.signal)) {
      last = state;
      // KV puts that change nothing a reader sees (heartbeat fields) would print duplicate lines.
      const key = [state.status, state.progress, state.progressMessage, state.attempts].join('|');
      if (key !== lastKey) opts.onChange?.(state);
      lastKey = key;
      if (isTerminal(state.status)) return state;
    }
  } finally {
    clearTimeout(timer);
  }
  const status = last?.status ?? 'unknown';
  if (abort.signal.aborted) {
    throw new FailureError(
      'WAIT_TIMEOUT',
      `task ${id} is still ${status} after ${(opts.timeoutMs ?? 0) / 1000} s`,
    );
  }
  throw new FailureError(
    'NATS_CLOSED',
    `the connection to NATS ended while task ${id} was ${status}`,
  );
}

/** SUCCESS is the only good end; anything else is reported on stderr and exits 1. */
export function exitCodeFor(state: TaskState, out: Output): number {
  if (state.status === 'SUCCESS') return ExitCode.OK;
  const why = state.error ? `: ${state.error.code}: ${state.error.message}` : '';
  out.note(`wadm: task ${state.id} ended ${state.status}${why}`);
  return ExitCode.FAILURE;
}
