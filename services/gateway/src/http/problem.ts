import type { Context } from 'koa';
import { ErrorCode, type FieldError } from '@wadm/contracts';
import { MarketDataErrorCode } from '@wadm/market-data';

/**
 * Stable codes of the REST API's problems. The task codes are the contracts' own, so a client
 * reads the same `code` in an HTTP problem, a task's `error` and a dead letter.
 */
export const ProblemCode = {
  MALFORMED_REQUEST: 'MALFORMED_REQUEST',
  HEADERS_TOO_LARGE: 'HEADERS_TOO_LARGE',
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  MALFORMED_JSON: 'MALFORMED_JSON',
  JSON_TOO_DEEP: 'JSON_TOO_DEEP',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  BODY_INCOMPLETE: 'BODY_INCOMPLETE',
  VALIDATION_FAILED: ErrorCode.VALIDATION_FAILED,
  UNKNOWN_TASK_TYPE: ErrorCode.UNKNOWN_TASK_TYPE,
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  TASK_NOT_FOUND: ErrorCode.TASK_NOT_FOUND,
  TASK_ALREADY_TERMINAL: ErrorCode.TASK_ALREADY_TERMINAL,
  TASK_NOT_FINISHED: 'TASK_NOT_FINISHED',
  TASK_HAS_NO_RESULT: 'TASK_HAS_NO_RESULT',
  ARTIFACT_GONE: 'ARTIFACT_GONE',
  RANGE_NOT_SATISFIABLE: 'RANGE_NOT_SATISFIABLE',
  DEAD_LETTER_NOT_FOUND: 'DEAD_LETTER_NOT_FOUND',
  NOT_REPLAYABLE: 'NOT_REPLAYABLE',
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  IDEMPOTENCY_KEY_REUSED: ErrorCode.IDEMPOTENCY_KEY_REUSED,
  STORAGE_QUOTA_EXCEEDED: ErrorCode.STORAGE_QUOTA_EXCEEDED,
  CSV_REJECTED: MarketDataErrorCode.CSV_REJECTED,
  WRITE_CONFLICT: MarketDataErrorCode.WRITE_CONFLICT,
  SCHEDULE_NOT_FOUND: 'SCHEDULE_NOT_FOUND',
  SCHEDULE_EXISTS: 'SCHEDULE_EXISTS',
  SCHEDULE_LIMIT_EXCEEDED: 'SCHEDULE_LIMIT_EXCEEDED',
  ALERT_NOT_FOUND: 'ALERT_NOT_FOUND',
  ALERT_LIMIT_EXCEEDED: 'ALERT_LIMIT_EXCEEDED',
  WEBHOOK_NOT_FOUND: 'WEBHOOK_NOT_FOUND',
  WEBHOOK_LIMIT_EXCEEDED: 'WEBHOOK_LIMIT_EXCEEDED',
  WEBHOOK_ADDRESS_REFUSED: ErrorCode.WEBHOOK_ADDRESS_REFUSED,
  BACKEND_UNAVAILABLE: 'BACKEND_UNAVAILABLE',
  INTERNAL_ERROR: 'INTERNAL_ERROR',
} as const;
export type ProblemCode = (typeof ProblemCode)[keyof typeof ProblemCode];

/** Titles are fixed per code (RFC 9457: the title does not change between occurrences). */
const TITLES: Record<ProblemCode, string> = {
  MALFORMED_REQUEST: 'Malformed HTTP request',
  HEADERS_TOO_LARGE: 'Request headers too large',
  REQUEST_TIMEOUT: 'Request timeout',
  MALFORMED_JSON: 'Malformed JSON',
  JSON_TOO_DEEP: 'JSON nested too deeply',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  BODY_INCOMPLETE: 'Request body incomplete',
  VALIDATION_FAILED: 'Validation failed',
  UNKNOWN_TASK_TYPE: 'Unknown task type',
  UNAUTHORIZED: 'Unauthorized',
  FORBIDDEN: 'Forbidden',
  NOT_FOUND: 'Not found',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  TASK_NOT_FOUND: 'Task not found',
  TASK_ALREADY_TERMINAL: 'Task already finished',
  TASK_NOT_FINISHED: 'Task not finished',
  TASK_HAS_NO_RESULT: 'Task has no result',
  ARTIFACT_GONE: 'Result artifact gone',
  RANGE_NOT_SATISFIABLE: 'Range not satisfiable',
  DEAD_LETTER_NOT_FOUND: 'Dead letter not found',
  NOT_REPLAYABLE: 'Dead letter not replayable',
  QUOTA_EXCEEDED: 'Too many pending tasks',
  IDEMPOTENCY_KEY_REUSED: 'Idempotency key reused for another request',
  STORAGE_QUOTA_EXCEEDED: 'Storage quota exceeded',
  CSV_REJECTED: 'CSV rejected',
  WRITE_CONFLICT: 'Concurrent write',
  SCHEDULE_NOT_FOUND: 'Schedule not found',
  SCHEDULE_EXISTS: 'Schedule already exists',
  SCHEDULE_LIMIT_EXCEEDED: 'Too many schedules',
  ALERT_NOT_FOUND: 'Alert rule not found',
  ALERT_LIMIT_EXCEEDED: 'Too many alert rules',
  WEBHOOK_NOT_FOUND: 'Webhook not found',
  WEBHOOK_LIMIT_EXCEEDED: 'Too many webhooks',
  WEBHOOK_ADDRESS_REFUSED: 'Webhook address refused',
  BACKEND_UNAVAILABLE: 'Service unavailable',
  INTERNAL_ERROR: 'Internal error',
};

export const PROBLEM_CODES = Object.keys(TITLES) as ProblemCode[];

export function problemTitle(code: ProblemCode): string {
  return TITLES[code];
}

/** The `type` URI of a code: an anchor on the docs page that explains it. */
export function problemType(code: string): string {
  return `/docs#problem-${code.toLowerCase().replaceAll('_', '-')}`;
}

/** An `application/problem+json` body (RFC 9457) with WADM's `code` and field `errors`. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export interface ProblemOptions {
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Extension members, e.g. `known_types`. */
  extra?: Record<string, unknown>;
  cause?: unknown;
}

/** A client-facing HTTP error; whatever throws it decided the status and the words. */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  readonly headers: Record<string, string>;

  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    readonly detail: string,
    readonly opts: ProblemOptions = {},
  ) {
    super(detail, { cause: opts.cause });
    this.headers = opts.headers ?? {};
  }

  body(): ProblemBody {
    const body: ProblemBody = {
      type: problemType(this.code),
      title: TITLES[this.code],
      status: this.status,
      detail: this.detail,
      code: this.code,
      ...this.opts.extra,
    };
    if (this.opts.errors && this.opts.errors.length > 0) body.errors = this.opts.errors;
    return body;
  }
}

/** Writes a problem as the response, replacing whatever was there. */
export function sendProblem(ctx: Context, problem: HttpProblem): void {
  ctx.status = problem.status;
  for (const [name, value] of Object.entries(problem.headers)) ctx.set(name, value);
  ctx.type = 'application/problem+json';
  ctx.body = JSON.stringify(problem.body());
}

/** A problem lists no more field errors than this; the rest are counted, not echoed. */
export const MAX_LISTED_FIELD_ERRORS = 20;

export function validationProblem(detail: string, errors: FieldError[]): HttpProblem {
  const omitted = errors.length - MAX_LISTED_FIELD_ERRORS;
  if (omitted <= 0) return new HttpProblem(400, ProblemCode.VALIDATION_FAILED, detail, { errors });
  return new HttpProblem(
    400,
    ProblemCode.VALIDATION_FAILED,
    `${detail} (${omitted} more field errors not listed)`,
    { errors: errors.slice(0, MAX_LISTED_FIELD_ERRORS), extra: { errors_omitted: omitted } },
  );
}

export function notFound(detail = 'no such resource'): HttpProblem {
  return new HttpProblem(404, ProblemCode.NOT_FOUND, detail);
}

export function taskNotFound(id: string): HttpProblem {
  return new HttpProblem(404, ProblemCode.TASK_NOT_FOUND, `no task ${JSON.stringify(id)}`);
}
