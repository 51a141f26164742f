import { ErrorCode, type FieldError } from '@wadm/contracts';

/**
 * Options an analysis refuses (a timeframe it does not know, a swing lookback out of range).
 * Retrying cannot help; `fields` point into the options (`/swingLookback`) in the shape of the
 * contracts' `FieldError`, so a service can move them under `/params` and fail the task for good.
 */
export class AnalysisOptionsError extends Error {
  override readonly name = 'AnalysisOptionsError';
  readonly code = ErrorCode.VALIDATION_FAILED;
  readonly fields: FieldError[];
  constructor(fields: FieldError[]) {
    super(`invalid analysis options: ${fields.map((f) => `${f.path} ${f.message}`).join('; ')}`);
    this.fields = fields;
  }
}

/** A value as an error message shows it: numbers as written (NaN, Infinity), the rest as JSON. */
export function describeValue(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}
