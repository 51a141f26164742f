import { Type, type Static } from '@sinclair/typebox';

/** Stable codes carried by task failures, DLQ records and HTTP problems. */
export const ErrorCode = {
  MALFORMED_COMMAND: 'MALFORMED_COMMAND',
  UNKNOWN_TASK_TYPE: 'UNKNOWN_TASK_TYPE',
  NO_HANDLER: 'NO_HANDLER',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  TASK_FAILED: 'TASK_FAILED',
  NON_RETRYABLE: 'NON_RETRYABLE',
  MAX_ATTEMPTS_EXCEEDED: 'MAX_ATTEMPTS_EXCEEDED',
  WORKER_LOST: 'WORKER_LOST',
  SOFT_TIME_LIMIT_EXCEEDED: 'SOFT_TIME_LIMIT_EXCEEDED',
  TIME_LIMIT_EXCEEDED: 'TIME_LIMIT_EXCEEDED',
  REVOKED: 'REVOKED',
  INVALID_SUBJECT_TOKEN: 'INVALID_SUBJECT_TOKEN',
  TASK_NOT_FOUND: 'TASK_NOT_FOUND',
  TASK_ALREADY_TERMINAL: 'TASK_ALREADY_TERMINAL',
  PUBLISH_FAILED: 'PUBLISH_FAILED',
  /** `diagnostics.echo` asked to crash a worker that does not allow it (WADM_ALLOW_CRASH). */
  CRASH_DISABLED: 'CRASH_DISABLED',
  /** An idempotency key sent again with another type or other params (Stripe's rule). */
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  /** A user's stored results and artifacts would pass their storage quota. */
  STORAGE_QUOTA_EXCEEDED: 'STORAGE_QUOTA_EXCEEDED',
  /** `notify.email` with no SMTP server configured (WADM_SMTP_URL). */
  SMTP_NOT_CONFIGURED: 'SMTP_NOT_CONFIGURED',
  /** The SMTP server refused the mail for good (a 5xx reply): sending it again cannot help. */
  SMTP_REJECTED: 'SMTP_REJECTED',
  /** The SMTP server could not be reached or answered 4xx: retried with backoff. */
  SMTP_UNAVAILABLE: 'SMTP_UNAVAILABLE',
  /** `notify.webhook` with no signing secret configured (WADM_WEBHOOK_SECRET). */
  WEBHOOK_NOT_CONFIGURED: 'WEBHOOK_NOT_CONFIGURED',
  /** The webhook host resolves to a loopback, private, link-local … address not allow-listed. */
  WEBHOOK_ADDRESS_REFUSED: 'WEBHOOK_ADDRESS_REFUSED',
  /** The receiver answered 4xx: the request itself is wrong, retrying cannot help. */
  WEBHOOK_REJECTED: 'WEBHOOK_REJECTED',
  /** The receiver answered 3xx: redirects are never followed (the Location may be internal). */
  WEBHOOK_REDIRECTED: 'WEBHOOK_REDIRECTED',
  /** 5xx, 408, 429, a timeout or a connection error: retried with backoff. */
  WEBHOOK_UNAVAILABLE: 'WEBHOOK_UNAVAILABLE',
  /** `notify.webhook` names a destination its owner has not registered (or has deleted). */
  WEBHOOK_NOT_REGISTERED: 'WEBHOOK_NOT_REGISTERED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** One failing field of a payload, as a JSON pointer and a sentence. */
export const FieldError = Type.Object({ path: Type.String(), message: Type.String() });
export type FieldError = Static<typeof FieldError>;

/** An error as data: what crosses NATS and HTTP. Never a stack trace. */
export const TaskErrorData = Type.Object({
  code: Type.String(),
  message: Type.String(),
  retryable: Type.Boolean(),
  fields: Type.Optional(Type.Array(FieldError)),
});
export type TaskErrorData = Static<typeof TaskErrorData>;

/** A value that would change a subject or KV key if used as a token of it. */
export class InvalidSubjectTokenError extends Error {
  override readonly name = 'InvalidSubjectTokenError';
  readonly code = ErrorCode.INVALID_SUBJECT_TOKEN;
  /** `rule` says what a valid token is, e.g. "1 to 64 of [A-Za-z0-9_-]". */
  constructor(kind: string, value: string, rule: string, options?: ErrorOptions) {
    super(`invalid ${kind} ${JSON.stringify(value)}: use ${rule}`, options);
  }
}
