import { TIMEFRAME_MS, TIMEFRAMES, type Timeframe } from '@wadm/contracts';

export { TIMEFRAME_MS, type Timeframe };

const MINUTE_MS = 60_000;

export function isTimeframe(value: string): value is Timeframe {
  return (TIMEFRAMES as readonly string[]).includes(value);
}

/** `90` minutes as `1h30m`, `1440` as `1d`: how spacing shows up in messages. */
export function describeSpan(ms: number): string {
  const minutes = Math.round(ms / MINUTE_MS);
  if (minutes < 1) return `${ms} ms`;
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  return [days && `${days}d`, hours && `${hours}h`, rest && `${rest}m`].filter(Boolean).join('');
}
