import { InvalidSubjectTokenError } from './errors.js';
import { isValidExchangeName } from './exchange-health.js';
import { isValidId, isValidOwner } from './ids.js';
import { isPriority, isQueue, PRIORITIES, QUEUES, type Priority, type Queue } from './queues.js';
import { isValidScheduleId } from './schedule.js';

interface TokenRule {
  kind: string;
  valid(value: string): boolean;
  rule: string;
}

const OWNER: TokenRule = { kind: 'owner', valid: isValidOwner, rule: '1 to 64 of [A-Za-z0-9_-]' };
const TASK_ID: TokenRule = {
  kind: 'task id',
  valid: isValidId,
  rule: '1 to 128 of [A-Za-z0-9_-]',
};
const SCHEDULE_ID: TokenRule = {
  kind: 'schedule id',
  valid: isValidScheduleId,
  rule: '1 to 64 of [A-Za-z0-9_-]',
};
const EXCHANGE: TokenRule = {
  kind: 'exchange',
  valid: isValidExchangeName,
  rule: '1 to 32 of [a-z0-9_-]',
};
const QUEUE: TokenRule = { kind: 'queue', valid: isQueue, rule: `one of ${QUEUES.join(', ')}` };
const PRIORITY: TokenRule = {
  kind: 'priority',
  valid: isPriority,
  rule: `one of ${PRIORITIES.join(', ')}`,
};

function token(rule: TokenRule, value: string): string {
  if (!rule.valid(value)) throw new InvalidSubjectTokenError(rule.kind, value, rule.rule);
  return value;
}

/** Subjects, broad → narrow. Every publisher and subscriber builds them here. */
export const subjects = {
  /** Captured by TASKS: `tasks.<queue>.<priority>`. */
  task(queue: Queue, priority: Priority): string {
    return `tasks.${token(QUEUE, queue)}.${token(PRIORITY, priority)}`;
  },
  tasksAll: 'tasks.>',
  /** Captured by TASK_EVENTS: `events.tasks.<owner>.<taskId>`. */
  event(owner: string, taskId: string): string {
    return `events.tasks.${token(OWNER, owner)}.${token(TASK_ID, taskId)}`;
  },
  eventsOf(owner: string): string {
    return `events.tasks.${token(OWNER, owner)}.>`;
  },
  eventsAll: 'events.tasks.>',
  /** Core NATS broadcast to every worker: abort this task if you are running it. */
  cancel(owner: string, taskId: string): string {
    return `control.cancel.${token(OWNER, owner)}.${token(TASK_ID, taskId)}`;
  },
  cancelAll: 'control.cancel.>',
  /** Captured by TASKS_DLQ: `dlq.tasks.<queue>`. */
  dlq(queue: Queue): string {
    return `dlq.tasks.${token(QUEUE, queue)}`;
  },
  dlqAll: 'dlq.tasks.>',
  /** Core NATS: an exchange's status changed (`exchange.status.<exchange>`, an ExchangeStatusEvent). */
  exchangeStatus(exchange: string): string {
    return `exchange.status.${token(EXCHANGE, exchange)}`;
  },
  exchangeStatusAll: 'exchange.status.>',
} as const;

/** Parses `<prefix…>.<owner>.<taskId>`; null for anything else. */
function parseOwnedTask(
  subject: string,
  prefix: readonly string[],
): { owner: string; taskId: string } | null {
  const parts = subject.split('.');
  if (parts.length !== prefix.length + 2) return null;
  if (prefix.some((p, i) => parts[i] !== p)) return null;
  const owner = parts[prefix.length];
  const taskId = parts[prefix.length + 1];
  return isValidOwner(owner) && isValidId(taskId) ? { owner, taskId } : null;
}

/** Parses `events.tasks.<owner>.<taskId>`; null for anything else. */
export function parseEventSubject(subject: string): { owner: string; taskId: string } | null {
  return parseOwnedTask(subject, ['events', 'tasks']);
}

/** Parses `control.cancel.<owner>.<taskId>`; null for anything else. */
export function parseCancelSubject(subject: string): { owner: string; taskId: string } | null {
  return parseOwnedTask(subject, ['control', 'cancel']);
}

/** Parses `tasks.<queue>.<priority>`; null for anything else. */
export function parseTaskSubject(subject: string): { queue: Queue; priority: Priority } | null {
  const parts = subject.split('.');
  if (parts.length !== 3 || parts[0] !== 'tasks') return null;
  const [, queue = '', priority = ''] = parts;
  return isQueue(queue) && isPriority(priority) ? { queue, priority } : null;
}

/** KV key of a task's state in TASK_STATE: `<owner>.<taskId>`. */
export function stateKey(owner: string, taskId: string): string {
  return `${token(OWNER, owner)}.${token(TASK_ID, taskId)}`;
}

export function parseStateKey(key: string): { owner: string; taskId: string } | null {
  return parseOwnedTask(key, []);
}

/** KV key filter of every task state of `owner`, or of everyone's with `*`. */
export function stateKeysOf(owner: string): string {
  return owner === '*' ? '>' : `${token(OWNER, owner)}.>`;
}

/** KV key filter of the states of one task id, whoever owns it. */
export function stateKeysWithId(taskId: string): string {
  return `*.${token(TASK_ID, taskId)}`;
}

/** KV key of a schedule in SCHEDULES: `<owner>.<scheduleId>`. */
export function scheduleKey(owner: string, scheduleId: string): string {
  return `${token(OWNER, owner)}.${token(SCHEDULE_ID, scheduleId)}`;
}

export function parseScheduleKey(key: string): { owner: string; scheduleId: string } | null {
  const parts = key.split('.');
  if (parts.length !== 2) return null;
  const [owner, scheduleId] = parts;
  return isValidOwner(owner) && isValidScheduleId(scheduleId) ? { owner, scheduleId } : null;
}

/** KV key filter of every schedule of `owner`, or of everyone's with `*`. */
export function scheduleKeysOf(owner: string): string {
  return owner === '*' ? '>' : `${token(OWNER, owner)}.>`;
}
