import { TIMEFRAME_MS, type Timeframe } from '@wadm/contracts';

export { TIMEFRAME_MS, type Timeframe };

const MINUTE_MS = 60_000;

/** Crypto markets trade around the clock, every day: a year is 365 days of bars. */
export const YEAR_MS = 365 * 1440 * MINUTE_MS;

/** Bars per year, the annualisation factor of Sharpe and Sortino (365 for `1d`, 8760 for `1h`). */
export function periodsPerYear(timeframe: Timeframe): number {
  return YEAR_MS / TIMEFRAME_MS[timeframe];
}
