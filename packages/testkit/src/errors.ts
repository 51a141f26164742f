/**
 * Stable codes of the testkit's errors, so a test helper can tell a missing binary (an
 * environment problem) from a server that started and then failed.
 */
export const TestkitErrorCode = {
  NATS_SERVER_NOT_FOUND: 'NATS_SERVER_NOT_FOUND',
  NATS_SERVER_START_FAILED: 'NATS_SERVER_START_FAILED',
  PROCESS_START_FAILED: 'PROCESS_START_FAILED',
  WAIT_TIMEOUT: 'WAIT_TIMEOUT',
  INVALID_STATE: 'INVALID_STATE',
} as const;
export type TestkitErrorCode = (typeof TestkitErrorCode)[keyof typeof TestkitErrorCode];

/** The nats-server binary is missing or not executable. */
export class NatsServerNotFoundError extends Error {
  readonly code = TestkitErrorCode.NATS_SERVER_NOT_FOUND;
  override readonly name = 'NatsServerNotFoundError';

  constructor(
    readonly binary: string,
    options?: ErrorOptions,
  ) {
    super(
      `nats-server not found at ${binary}: install Debian's nats-server package ` +
        `(apt-get install nats-server) or point WADM_NATS_SERVER at a nats-server binary`,
      options,
    );
  }
}

/** nats-server exited, or never became ready, while starting. `logTail` holds its last lines. */
export class NatsServerStartError extends Error {
  readonly code = TestkitErrorCode.NATS_SERVER_START_FAILED;
  override readonly name = 'NatsServerStartError';

  constructor(
    message: string,
    readonly logTail: string,
    options?: ErrorOptions,
  ) {
    super(`${message}\n--- nats-server log tail ---\n${logTail}`, options);
  }
}

/** A managed process could not be spawned or exited before it was ready. */
export class ProcessStartError extends Error {
  readonly code = TestkitErrorCode.PROCESS_START_FAILED;
  override readonly name = 'ProcessStartError';

  constructor(
    message: string,
    readonly outputTail: string,
    options?: ErrorOptions,
  ) {
    super(outputTail ? `${message}\n--- output tail ---\n${outputTail}` : message, options);
  }
}

/** Something awaited (output, exit, readiness) did not happen in time. */
export class WaitTimeoutError extends Error {
  readonly code = TestkitErrorCode.WAIT_TIMEOUT;
  override readonly name = 'WaitTimeoutError';

  constructor(
    message: string,
    readonly outputTail = '',
    options?: ErrorOptions,
  ) {
    super(outputTail ? `${message}\n--- output tail ---\n${outputTail}` : message, options);
  }
}

/** A method was called in a state that does not allow it, such as `restart()` after `stop()`. */
export class InvalidStateError extends Error {
  readonly code = TestkitErrorCode.INVALID_STATE;
  override readonly name = 'InvalidStateError';
}
