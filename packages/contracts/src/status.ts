/** Celery's status names, so Flower users read them without a glossary. */
export const TaskStatus = {
  PENDING: 'PENDING',
  STARTED: 'STARTED',
  RETRY: 'RETRY',
  SUCCESS: 'SUCCESS',
  FAILURE: 'FAILURE',
  REVOKED: 'REVOKED',
} as const;
export type TaskStatus = (typeof TaskStatus)[keyof typeof TaskStatus];

export const TASK_STATUSES = Object.values(TaskStatus);

const TERMINAL: ReadonlySet<TaskStatus> = new Set(['SUCCESS', 'FAILURE', 'REVOKED']);

export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL.has(status);
}

/**
 * Allowed moves. STARTED → STARTED is a redelivery after a worker died; STARTED → PENDING is a
 * task handed back by a worker shutting down; PENDING → FAILURE is a command that cannot run;
 * FAILURE → PENDING is a dead letter an operator replays.
 */
export const TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  PENDING: ['STARTED', 'RETRY', 'SUCCESS', 'FAILURE', 'REVOKED'],
  STARTED: ['STARTED', 'PENDING', 'RETRY', 'SUCCESS', 'FAILURE', 'REVOKED'],
  RETRY: ['STARTED', 'RETRY', 'SUCCESS', 'FAILURE', 'REVOKED'],
  SUCCESS: [],
  FAILURE: ['PENDING'],
  REVOKED: [],
};

export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return TRANSITIONS[from].includes(to);
}
