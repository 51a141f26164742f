/** TA-Lib's upper bound for every period parameter. */
export const MAX_PERIOD = 100_000;

/**
 * Throws a RangeError unless `period` is an integer in [min, MAX_PERIOD]. Indicators are called
 * with validated strategy parameters, so reaching this is a programming error, not a user error.
 */
export function assertPeriod(name: string, period: number, min: number): void {
  if (!Number.isInteger(period) || period < min || period > MAX_PERIOD) {
    throw new RangeError(`${name} must be an integer from ${min} to ${MAX_PERIOD}, got ${period}`);
  }
}

/**
 * An indicator output of `length` values whose first `lead` are NaN: the warm-up, where the
 * indicator has no value yet (TA-Lib's `begIndex`). The caller writes every later value; not
 * filling them first saves a pass over the array.
 */
export function warmUpArray(length: number, lead: number): Float64Array {
  return new Float64Array(length).fill(NaN, 0, Math.min(lead, length));
}
