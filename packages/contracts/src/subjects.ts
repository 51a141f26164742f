import { InvalidSubjectTokenError } from './errors.js';
import { isValidId, isValidOwner } from './ids.js';
import { isPriority, isQueue, type Priority, type Queue } from './queues.js';

function token(kind: string, value: string, valid: (v: string) => boolean): string {
  if (!valid(value)) throw new InvalidSubjectTokenError(kind, value);
  return value;
}

/** Subjects, broad → narrow. Every publisher and subscriber builds them here. */
export const subjects = {
  /** Captured by TASKS: `tasks.<queue>.<priority>`. */
  task(queue: Queue, priority: Priority): string {
    return `tasks.${token('queue', queue, isQueue)}.${token('priority', priority, isPriority)}`;
  },
  tasksAll: 'tasks.>',
  /** Captured by TASK_EVENTS: `events.tasks.<owner>.<taskId>`. */
  event(owner: string, taskId: string): string {
    return `events.tasks.${token('owner', owner, isValidOwner)}.${token('task id', taskId, isValidId)}`;
  },
  eventsOf(owner: string): string {
    return `events.tasks.${token('owner', owner, isValidOwner)}.>`;
  },
  eventsAll: 'events.tasks.>',
  /** Core NATS broadcast to every worker: abort this task if you are running it. */
  cancel(owner: string, taskId: string): string {
    return `control.cancel.${token('owner', owner, isValidOwner)}.${token('task id', taskId, isValidId)}`;
  },
  cancelAll: 'control.cancel.>',
  /** Captured by TASKS_DLQ: `dlq.tasks.<queue>`. */
  dlq(queue: Queue): string {
    return `dlq.tasks.${token('queue', queue, isQueue)}`;
  },
  dlqAll: 'dlq.tasks.>',
} as const;

/** Parses `tasks.<queue>.<priority>`; null for anything else. */
export function parseTaskSubject(subject: string): { queue: Queue; priority: Priority } | null {
  const parts = subject.split('.');
  if (parts.length !== 3 || parts[0] !== 'tasks') return null;
  const [, queue = '', priority = ''] = parts;
  return isQueue(queue) && isPriority(priority) ? { queue, priority } : null;
}

/** KV key of a task's state in TASK_STATE: `<owner>.<taskId>`. */
export function stateKey(owner: string, taskId: string): string {
  return `${token('owner', owner, isValidOwner)}.${token('task id', taskId, isValidId)}`;
}

export function parseStateKey(key: string): { owner: string; taskId: string } | null {
  const [owner, taskId, extra] = key.split('.');
  if (extra !== undefined || !isValidOwner(owner) || !isValidId(taskId)) return null;
  return { owner, taskId };
}
