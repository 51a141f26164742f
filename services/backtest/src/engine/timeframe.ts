import type { TIMEFRAMES } from '@wadm/contracts';

export type Timeframe = (typeof TIMEFRAMES)[number];

const MINUTE_MS = 60_000;

/** The length of one bar of each timeframe. */
export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = {
  '1m': MINUTE_MS,
  '5m': 5 * MINUTE_MS,
  '15m': 15 * MINUTE_MS,
  '1h': 60 * MINUTE_MS,
  '4h': 240 * MINUTE_MS,
  '1d': 1440 * MINUTE_MS,
};

/** Crypto markets trade around the clock, every day: a year is 365 days of bars. */
export const YEAR_MS = 365 * 1440 * MINUTE_MS;

/** Bars per year, the annualisation factor of Sharpe and Sortino (365 for `1d`, 8760 for `1h`). */
export function periodsPerYear(timeframe: Timeframe): number {
  return YEAR_MS / TIMEFRAME_MS[timeframe];
}
