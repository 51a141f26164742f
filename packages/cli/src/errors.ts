import type { FieldError } from '@wadm/contracts';

/** Process exit codes: scripts branch on these, so they never change meaning. */
export const ExitCode = {
  OK: 0,
  /** The command ran and failed: NATS unreachable, no such task, task did not succeed. */
  FAILURE: 1,
  /** The command line itself is wrong: nothing was sent anywhere. */
  USAGE: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the CLI reports as one line on stderr, with the exit code it implies. */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: ExitCode,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A mistake on the command line: unknown command or flag, bad value, invalid params. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The command whose `--help` the message points to, if any. */
    readonly command?: string,
    options?: ErrorOptions,
  ) {
    super('USAGE', message, ExitCode.USAGE, options);
  }
}

/** The request was well formed but could not be carried out. */
export class FailureError extends CliError {
  override readonly name = 'FailureError';
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(code, message, ExitCode.FAILURE, options);
  }
}

/** Field errors as one line: `/params/sleepMs must be >= 0; /params/x is not a known field`. */
export function describeFields(fields: readonly FieldError[]): string {
  return fields.map((f) => `${f.path} ${f.message}`).join('; ');
}
