const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00Z: from there on the year needs more than four digits. */
const YEAR_10000_MS = 253_402_300_800_000;
const ISO_LENGTH = 24; // YYYY-MM-DDTHH:mm:ss.sssZ
const [DASH, T, COLON, DOT, Z, ZERO] = [0x2d, 0x54, 0x3a, 0x2e, 0x5a, 0x30];

/**
 * `times.map((ms) => new Date(ms).toISOString())`, about ten times faster. A backtest over a
 * million bars can make tens of thousands of trades, and `toISOString` alone would then cost
 * more than the simulation.
 *
 * The strings are written as bytes into one buffer, decoded once and sliced: each slice is a
 * flat string, unlike a concatenation, which the JSON serialisation of the result would have to
 * flatten again. The calendar date is computed once per day, and the time of day in 32-bit
 * integers, whose divisions by constants compile to multiplications. Times outside years
 * 1970–9999 and fractional milliseconds go through `Date`.
 */
export function isoTimes(times: ArrayLike<number>): string[] {
  const n = times.length;
  const bytes = Buffer.allocUnsafe(n * ISO_LENGTH);
  let day = -1;
  let date = 0; // the day's year, month and day as the decimal yyyymmdd
  for (let k = 0; k < n; k++) {
    const ms = times[k]!;
    if (!isFast(ms)) continue;
    const at = k * ISO_LENGTH;
    const msDay = Math.floor(ms / DAY_MS);
    if (msDay !== day) {
      day = msDay;
      date = civilDate(day);
    }
    const year = (date / 10_000) | 0;
    const monthDay = date - year * 10_000;
    write2(bytes, at, (year / 100) | 0);
    write2(bytes, at + 2, year % 100);
    bytes[at + 4] = DASH;
    write2(bytes, at + 5, (monthDay / 100) | 0);
    bytes[at + 7] = DASH;
    write2(bytes, at + 8, monthDay % 100);
    bytes[at + 10] = T;
    let rest = (ms - day * DAY_MS) | 0;
    const milli = rest % 1000;
    rest = (rest / 1000) | 0;
    write2(bytes, at + 17, rest % 60);
    rest = (rest / 60) | 0;
    write2(bytes, at + 14, rest % 60);
    write2(bytes, at + 11, (rest / 60) | 0);
    bytes[at + 13] = COLON;
    bytes[at + 16] = COLON;
    bytes[at + 19] = DOT;
    bytes[at + 20] = ZERO + ((milli / 100) | 0);
    write2(bytes, at + 21, milli % 100);
    bytes[at + 23] = Z;
  }
  const text = bytes.toString('latin1');
  const out = new Array<string>(n);
  for (let k = 0; k < n; k++) {
    const ms = times[k]!;
    out[k] = isFast(ms)
      ? text.slice(k * ISO_LENGTH, (k + 1) * ISO_LENGTH)
      : new Date(ms).toISOString();
  }
  return out;
}

function isFast(ms: number): boolean {
  return Number.isInteger(ms) && ms >= 0 && ms < YEAR_10000_MS;
}

/** Howard Hinnant's civil_from_days: days since 1970-01-01 → yyyymmdd. */
function civilDate(days: number): number {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return year * 10_000 + month * 100 + day;
}

/** Two decimal digits of `value` (0–99) at `at`. */
function write2(bytes: Buffer, at: number, value: number): void {
  const tens = (value / 10) | 0;
  bytes[at] = ZERO + tens;
  bytes[at + 1] = ZERO + value - 10 * tens;
}
