import type { JsMsg } from '@nats-io/jetstream';
import {
  ErrorCode,
  formatFieldErrors,
  HEADERS,
  isTaskType,
  isValidId,
  isValidOwner,
  parseTaskSubject,
  SYSTEM_OWNER,
  TASK_CATALOG,
  TASK_TYPES,
  validateCommand,
  validateParams,
  type Priority,
  type Queue,
  type TaskCommand,
  type TaskErrorData,
  type TaskState,
  type TaskType,
} from '@wadm/contracts';
import { newTaskState } from '../state-factory.js';

export interface ParsedCommand {
  ok: true;
  id: string;
  owner: string;
  queue: Queue;
  priority: Priority;
  type: TaskType;
  command: TaskCommand;
  raw: string;
}

/** A message that cannot run: it still gets an id and owner so its FAILURE can be read. */
export interface RejectedCommand {
  ok: false;
  id: string;
  owner: string;
  queue: Queue;
  priority: Priority;
  type: string;
  params: unknown;
  raw: string;
  error: TaskErrorData;
}

function reject(
  base: Omit<RejectedCommand, 'ok' | 'error'>,
  code: string,
  message: string,
  fields?: TaskErrorData['fields'],
): RejectedCommand {
  const error: TaskErrorData = { code, message, retryable: false };
  if (fields) error.fields = fields;
  return { ok: false, ...base, error };
}

/**
 * Reads a command off `tasks.<queue>.<priority>`. Ids fall back to the `Nats-Msg-Id` header and
 * then to the stream sequence, so a redelivered message always maps to the same task.
 */
export function parseCommand(msg: JsMsg): ParsedCommand | RejectedCommand {
  const route = parseTaskSubject(msg.subject) ?? { queue: 'diagnostics', priority: 'normal' };
  const raw = msg.string();
  const headerId = msg.headers?.get(HEADERS.msgId);
  const fallbackId = isValidId(headerId) ? headerId : `msg-${msg.seq}`;
  const base: Omit<RejectedCommand, 'ok' | 'error'> = {
    ...route,
    id: fallbackId,
    owner: SYSTEM_OWNER,
    type: '',
    params: null,
    raw,
  };

  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return reject(base, ErrorCode.MALFORMED_COMMAND, 'command is not valid JSON');
  }
  const loose = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (isValidId(loose['id'])) base.id = loose['id'];
  if (isValidOwner(loose['owner'])) base.owner = loose['owner'];
  if (typeof loose['type'] === 'string') base.type = loose['type'];
  base.params = loose['params'] ?? null;

  const commandErrors = validateCommand(body);
  if (commandErrors.length > 0) {
    return reject(
      base,
      ErrorCode.MALFORMED_COMMAND,
      `invalid command: ${formatFieldErrors(commandErrors)}`,
      commandErrors,
    );
  }
  const command = body as TaskCommand;
  if (!isTaskType(command.type)) {
    return reject(
      base,
      ErrorCode.UNKNOWN_TASK_TYPE,
      `unknown task type ${JSON.stringify(command.type)}; known: ${TASK_TYPES.join(', ')}`,
    );
  }
  const expectedQueue = TASK_CATALOG[command.type].queue;
  if (expectedQueue !== route.queue) {
    return reject(
      base,
      ErrorCode.MALFORMED_COMMAND,
      `${command.type} runs on queue ${expectedQueue}, not ${route.queue}: publish it on tasks.${expectedQueue}.<priority>`,
    );
  }
  const paramErrors = validateParams(command.type, command.params);
  if (paramErrors.length > 0) {
    return reject(
      base,
      ErrorCode.VALIDATION_FAILED,
      `invalid params: ${formatFieldErrors(paramErrors)}`,
      paramErrors,
    );
  }
  return { ok: true, ...route, id: base.id, owner: base.owner, type: command.type, command, raw };
}

/**
 * The PENDING state a command stands for: what a worker starts from when nothing is stored (a
 * task published straight onto `tasks.…`), or records a rejected command's FAILURE on.
 */
export function initialState(task: ParsedCommand | RejectedCommand): TaskState {
  if (task.ok) {
    return newTaskState({
      id: task.id,
      owner: task.owner,
      type: task.type,
      queue: task.queue,
      priority: task.priority,
      params: task.command.params,
      command: task.command,
    });
  }
  return newTaskState({
    id: task.id,
    owner: task.owner,
    type: task.type || 'unknown',
    queue: task.queue,
    priority: task.priority,
    params: task.params,
  });
}
