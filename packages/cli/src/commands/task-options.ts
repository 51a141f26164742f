import { isValidId, isValidOwner, type TaskState } from '@wadm/contracts';
import type { TaskClient } from '@wadm/runtime';
import { intOption } from '../args.js';
import type { OptionSpec } from '../command.js';
import { FailureError, UsageError } from '../errors.js';

/** Options several task commands share, so their help reads the same. */
export const ownerOption = {
  type: 'string',
  valueName: 'OWNER',
  description: 'Owner of the task (default: look the id up across owners)',
} as const satisfies OptionSpec;

export const timeoutOption = {
  type: 'string',
  valueName: 'SECONDS',
  description: 'Stop waiting after this many seconds, exit 1 (default: wait until it ends)',
} as const satisfies OptionSpec;

export function checkOwner(owner: string | undefined, command: string): string | undefined {
  if (owner !== undefined && !isValidOwner(owner)) {
    throw new UsageError(
      `invalid owner ${JSON.stringify(owner)}: use 1-64 of [A-Za-z0-9_-]`,
      command,
    );
  }
  return owner;
}

export function checkId(id: string, command: string): string {
  if (!isValidId(id)) {
    throw new UsageError(
      `invalid task id ${JSON.stringify(id)}: use 1-128 of [A-Za-z0-9_-]`,
      command,
    );
  }
  return id;
}

export function timeoutMs(raw: string | undefined, command: string): number | undefined {
  const seconds = intOption('--timeout', raw, { min: 1, max: 7 * 86_400 }, command);
  return seconds === undefined ? undefined : seconds * 1000;
}

/** The task with this id: under `owner` when given, otherwise whoever owns it. */
export async function findTask(
  client: TaskClient,
  id: string,
  owner: string | undefined,
): Promise<TaskState> {
  const state = owner === undefined ? await client.find(id) : await client.get(owner, id);
  if (!state) {
    throw new FailureError(
      'TASK_NOT_FOUND',
      `no task ${id}${owner === undefined ? '' : ` owned by ${owner}`}`,
    );
  }
  return state;
}
