import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import {
  ClosedConnectionError,
  ConnectionError,
  DrainingConnectionError,
  NoRespondersError,
  RequestError,
  TimeoutError,
} from '@nats-io/transport-node';
import { AuthError } from '@wadm/auth';
import { ErrorCode, TASK_TYPES } from '@wadm/contracts';
import { TaskRequestError, type Logger } from '@wadm/runtime';
import { HttpProblem, ProblemCode, sendProblem, validationProblem } from './problem.js';

/** NATS trouble is ours, not the client's: 503 and come back soon, never a 500. */
function isBackendUnavailable(err: unknown): boolean {
  return (
    err instanceof TimeoutError ||
    err instanceof NoRespondersError ||
    err instanceof ClosedConnectionError ||
    err instanceof DrainingConnectionError ||
    err instanceof ConnectionError ||
    err instanceof RequestError
  );
}

/** How a task client refusal reads over HTTP. */
export function taskRequestProblem(err: TaskRequestError): HttpProblem {
  const fields = err.fields ?? [];
  switch (err.code) {
    case ErrorCode.UNKNOWN_TASK_TYPE:
      return new HttpProblem(400, ProblemCode.UNKNOWN_TASK_TYPE, err.message, {
        extra: { known_types: TASK_TYPES },
      });
    case ErrorCode.TASK_NOT_FOUND:
      return new HttpProblem(404, ProblemCode.TASK_NOT_FOUND, err.message);
    case ErrorCode.TASK_ALREADY_TERMINAL:
      return new HttpProblem(409, ProblemCode.TASK_ALREADY_TERMINAL, err.message);
    case ErrorCode.IDEMPOTENCY_KEY_REUSED:
      return new HttpProblem(422, ProblemCode.IDEMPOTENCY_KEY_REUSED, err.message);
    default:
      return validationProblem(err.message, fields);
  }
}

/**
 * Turns anything thrown into a problem. Only what no client input can cause ends as a 500,
 * and that is logged with an id the client also gets.
 */
export function toProblem(err: unknown, logger: Logger, requestId: string): HttpProblem {
  if (err instanceof HttpProblem) return err;
  if (err instanceof TaskRequestError) return taskRequestProblem(err);
  if (err instanceof AuthError) {
    return new HttpProblem(401, ProblemCode.UNAUTHORIZED, err.message, {
      headers: { 'WWW-Authenticate': 'Bearer realm="wadm", error="invalid_token"' },
    });
  }
  if (isBackendUnavailable(err)) {
    logger.warn({ err, requestId }, 'NATS unavailable while serving a request');
    return new HttpProblem(503, ProblemCode.BACKEND_UNAVAILABLE, 'task backend unavailable', {
      headers: { 'Retry-After': '1' },
    });
  }
  logger.error({ err, requestId }, 'unexpected error while serving a request');
  return new HttpProblem(
    500,
    ProblemCode.INTERNAL_ERROR,
    `unexpected error (request ${requestId})`,
  );
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Outermost middleware: gives each request an id, answers every error and every unanswered
 * route with `application/problem+json`, and turns the router's bare 405/501 into problems.
 */
export function errorHandler(logger: Logger): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = REQUEST_ID.test(incoming) ? incoming : randomUUID();
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
      if (ctx.body === undefined || ctx.body === null) {
        if (ctx.status === 404) {
          throw new HttpProblem(
            404,
            ProblemCode.NOT_FOUND,
            `no route for ${ctx.method} ${ctx.path}`,
          );
        }
        // 501 is the router's answer to a method it has no route for at all: to a client that
        // is the same as a method this resource does not allow, and it must not read as a 5xx.
        if (ctx.status === 405 || ctx.status === 501) {
          const allow = ctx.response.get('Allow');
          throw new HttpProblem(
            405,
            ProblemCode.METHOD_NOT_ALLOWED,
            `${ctx.method} is not allowed here${allow ? `; allowed: ${allow}` : ''}`,
            { headers: allow ? { Allow: allow } : {} },
          );
        }
      }
    } catch (err) {
      const problem = toProblem(err, logger, requestId);
      if (ctx.headerSent || !ctx.writable) {
        logger.warn({ err, requestId }, 'error after the response started');
        return;
      }
      // Headers set for the failed answer (Content-Disposition, Location …) do not belong to
      // the problem; the request id does.
      ctx.res.getHeaderNames().forEach((name) => ctx.res.removeHeader(name));
      ctx.set('X-Request-Id', requestId);
      sendProblem(ctx, problem);
    }
  };
}
