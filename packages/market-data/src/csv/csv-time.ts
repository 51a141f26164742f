/** Epoch numbers below this are seconds, not ms: 1e11 ms is March 1973. */
const MIN_EPOCH_MS = 1e11;
/**
 * From here an epoch number is microseconds, as in Binance spot files since 2025: 1e14 ms would
 * be the year 5138, 1e14 µs is 1973.
 */
const MIN_EPOCH_US = 1e14;
const MAX_EPOCH_US = 1e17;

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * A CSV time field as ms since the epoch, or why it is not one. Accepts epoch ms, epoch µs
 * (told apart by size) and ISO-8601; an ISO time without an offset is UTC, never local time.
 */
export function parseCsvTime(field: string): number | string {
  if (/^\d+$/.test(field)) {
    const n = Number(field);
    if (n >= MAX_EPOCH_US) return `timestamp ${field} is too large for epoch ms or µs`;
    if (n >= MIN_EPOCH_US) return Math.floor(n / 1000);
    if (n < MIN_EPOCH_MS) return `timestamp ${field} is too small for epoch ms (seconds?)`;
    return n;
  }
  const m = ISO.exec(field);
  if (!m) return `timestamp ${JSON.stringify(field)} is neither epoch ms nor ISO-8601`;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone = 'Z'] = m;
  const parts = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [year, month, day, hour, minute, second] = parts;
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(local);
  // Date.UTC rolls 2024-02-30 over into March: a field that does not round-trip is no date.
  if (
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return `timestamp ${JSON.stringify(field)} is not a valid date and time`;
  }
  const ms = Number(fraction.padEnd(3, '0').slice(0, 3));
  return local + ms - zoneOffsetMs(zone);
}

function zoneOffsetMs(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return (zone.startsWith('-') ? -1 : 1) * minutes * 60_000;
}
