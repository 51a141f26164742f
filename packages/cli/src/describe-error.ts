import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { ErrorCode } from '@wadm/contracts';
import { TaskRequestError } from '@wadm/runtime';
import { redactUrl } from './connection.js';
import { CliError, describeFields, ExitCode, FailureError, UsageError } from './errors.js';

/** Request errors that mean "you asked for something invalid", not "it went wrong". */
const INPUT_CODES: ReadonlySet<string> = new Set([
  ErrorCode.VALIDATION_FAILED,
  ErrorCode.UNKNOWN_TASK_TYPE,
  ErrorCode.INVALID_SUBJECT_TOKEN,
]);

/**
 * Turns anything a command threw into a CliError: one line naming the problem and an exit code.
 * Stack traces are for WADM_DEBUG=1 only.
 */
export function toCliError(err: unknown, server: string, command?: string): CliError {
  if (err instanceof CliError) return err;
  const url = redactUrl(server);
  if (err instanceof TaskRequestError) {
    // The runtime usually names the fields in its message already; add them when it did not.
    const first = err.fields?.[0];
    const message =
      err.fields && first && !err.message.includes(first.path)
        ? `${err.message}: ${describeFields(err.fields)}`
        : err.message;
    return INPUT_CODES.has(err.code)
      ? new UsageError(message, command, { cause: err })
      : new FailureError(err.code, message, { cause: err });
  }
  const name = err instanceof Error ? err.name : '';
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) {
    return new FailureError(
      'NOT_PROVISIONED',
      `NATS at ${url} is not provisioned (${message}): run "wadm provision" first`,
      { cause: err },
    );
  }
  if (name === 'JetStreamNotEnabled' || name === 'NoRespondersError') {
    return new FailureError('JETSTREAM_DISABLED', `JetStream is not enabled on NATS at ${url}`, {
      cause: err,
    });
  }
  if (name === 'TimeoutError') {
    return new FailureError('NATS_TIMEOUT', `NATS at ${url} did not answer in time`, {
      cause: err,
    });
  }
  if (name === 'ClosedConnectionError' || name === 'DrainingConnectionError') {
    return new FailureError('NATS_CLOSED', `lost the connection to NATS at ${url}`, {
      cause: err,
    });
  }
  return new CliError('FAILED', message || name || 'failed', ExitCode.FAILURE, { cause: err });
}
