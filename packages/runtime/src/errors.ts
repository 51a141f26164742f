import { ErrorCode, type FieldError, type TaskErrorData } from '@wadm/contracts';

/**
 * Codes of the runtime's own errors, which stay inside a process. Errors that cross NATS carry
 * the contracts' `ErrorCode`s.
 */
export const RuntimeErrorCode = {
  INVALID_ENV: 'INVALID_ENV',
  ILLEGAL_TRANSITION: 'ILLEGAL_TRANSITION',
  SHUTDOWN: 'SHUTDOWN',
} as const;
export type RuntimeErrorCode = (typeof RuntimeErrorCode)[keyof typeof RuntimeErrorCode];

/** A bad configuration value, named so the operator can fix it. */
export class EnvError extends Error {
  override readonly name = 'EnvError';
  readonly code = RuntimeErrorCode.INVALID_ENV;
  constructor(variable: string, problem: string, options?: ErrorOptions) {
    super(`${variable}: ${problem}`, options);
  }
}

/** A state change the task lifecycle does not allow, e.g. SUCCESS → STARTED. */
export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  readonly code = RuntimeErrorCode.ILLEGAL_TRANSITION;
  constructor(from: string, to: string, id: string, options?: ErrorOptions) {
    super(`task ${id}: ${from} → ${to} is not an allowed transition`, options);
  }
}

/** Raised on the handler's signal when the worker shuts down with the task still running. */
export class ShutdownError extends Error {
  override readonly name = 'ShutdownError';
  readonly code = RuntimeErrorCode.SHUTDOWN;
  constructor(options?: ErrorOptions) {
    super('worker shutting down', options);
  }
}

/**
 * Thrown by a handler when retrying cannot help (bad params, unknown series): the task ends in
 * FAILURE and goes to the DLQ at once. Anything else a handler throws is retried.
 */
export class NonRetryableError extends Error {
  override readonly name: string = 'NonRetryableError';
  readonly code: string;
  readonly fields: FieldError[] | undefined;
  constructor(
    message: string,
    opts: { code?: string; cause?: unknown; fields?: FieldError[] } = {},
  ) {
    super(message, { cause: opts.cause });
    this.code = opts.code ?? ErrorCode.NON_RETRYABLE;
    this.fields = opts.fields;
  }
}

/** Storing a result or artifact would take its owner past the storage quota: no retry helps. */
export class StorageQuotaError extends NonRetryableError {
  override readonly name = 'StorageQuotaError';
  constructor(owner: string, usedBytes: number, addBytes: number, quotaBytes: number) {
    super(
      `storing ${addBytes} bytes would take ${owner} past the storage quota: ` +
        `${usedBytes} of ${quotaBytes} bytes are in use`,
      { code: ErrorCode.STORAGE_QUOTA_EXCEEDED },
    );
  }
}

/** The soft time limit passed: the handler's signal fired with this reason. */
export class SoftTimeLimitError extends Error {
  override readonly name = 'SoftTimeLimitError';
  readonly code = ErrorCode.SOFT_TIME_LIMIT_EXCEEDED;
  constructor(limitMs: number) {
    super(`soft time limit of ${limitMs} ms exceeded`);
  }
}

/** The task was revoked while it ran: the handler's signal fired with this reason. */
export class RevokedError extends Error {
  override readonly name = 'RevokedError';
  readonly code = ErrorCode.REVOKED;
  constructor() {
    super('task revoked');
  }
}

/** A task id, owner or type the client refuses before anything is written. */
export class TaskRequestError extends Error {
  override readonly name = 'TaskRequestError';
  constructor(
    readonly code: string,
    message: string,
    readonly fields?: FieldError[],
  ) {
    super(message);
  }
}

/** The one place a thrown value becomes error data; decides retryability once. */
export function toErrorData(err: unknown): TaskErrorData {
  if (err instanceof NonRetryableError) {
    return {
      code: err.code,
      message: err.message,
      retryable: false,
      ...(err.fields ? { fields: err.fields } : {}),
    };
  }
  if (err instanceof SoftTimeLimitError || err instanceof RevokedError) {
    return { code: err.code, message: err.message, retryable: false };
  }
  const message = err instanceof Error ? err.message : String(err);
  const rawCode: unknown = err instanceof Error ? Reflect.get(err, 'code') : undefined;
  const code = typeof rawCode === 'string' ? rawCode : ErrorCode.TASK_FAILED;
  return { code, message: message || 'task failed', retryable: true };
}
