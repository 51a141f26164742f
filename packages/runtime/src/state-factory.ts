import {
  TASK_CATALOG,
  type Priority,
  type Queue,
  type TaskCommand,
  type TaskState,
  type TaskType,
} from '@wadm/contracts';
import { isoNow } from './time.js';

export interface NewStateInput {
  id: string;
  owner: string;
  type: string;
  queue: Queue;
  priority: Priority;
  params: unknown;
  command?: Partial<TaskCommand>;
  idempotencyKey?: string;
  retryOf?: string;
}

/** The PENDING state of a task nobody has touched yet. */
export function newTaskState(input: NewStateInput): TaskState {
  const now = isoNow();
  const def = TASK_CATALOG[input.type as TaskType] as (typeof TASK_CATALOG)[TaskType] | undefined;
  const policyMax = def?.retry.maxAttempts ?? 1;
  const state: TaskState = {
    v: 1,
    id: input.id,
    type: input.type,
    owner: input.owner,
    queue: input.queue,
    priority: input.priority,
    status: 'PENDING',
    progress: 0,
    attempts: 0,
    maxAttempts: Math.min(policyMax, input.command?.maxAttempts ?? policyMax),
    deferrals: 0,
    params: input.params,
    createdAt: input.command?.submittedAt ?? now,
    updatedAt: now,
    seq: 0,
  };
  if (input.command?.notBefore) state.notBefore = input.command.notBefore;
  if (input.idempotencyKey) state.idempotencyKey = input.idempotencyKey;
  if (input.retryOf) state.retryOf = input.retryOf;
  return state;
}
