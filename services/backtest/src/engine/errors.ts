import { ErrorCode, type FieldError } from '@wadm/contracts';

/**
 * A backtest spec the engine refuses: an unknown strategy or parameter, a value out of range,
 * `fast >= slow`, an empty sweep range, bad costs. Retrying cannot help, so the service maps it
 * to a non-retryable failure. `fields` point into the task params (`/strategy/params/fast`), in
 * the shape of the contracts' `FieldError`.
 */
export class BacktestSpecError extends Error {
  override readonly name = 'BacktestSpecError';
  readonly code = ErrorCode.VALIDATION_FAILED;
  readonly fields: FieldError[];
  constructor(fields: FieldError[]) {
    super(`invalid backtest spec: ${fields.map((f) => `${f.path} ${f.message}`).join('; ')}`);
    this.fields = fields;
  }
}
