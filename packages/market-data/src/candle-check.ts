import { CANDLE_COLUMNS, type Candles } from './candles.js';

/** Times past this are a unit mistake (µs or ns read as ms), not data. */
export const MAX_TIME_MS = Date.UTC(2100, 0, 1);

/**
 * What is wrong with one bar, or undefined when it is sane: an integer open time in ms,
 * finite positive prices, `high >= max(open, close)`, `low <= min(open, close)`, `volume >= 0`.
 * The CSV importer and every adapter's put share it, so both refuse the same bars.
 */
export function checkCandle(
  time: number,
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
): string | undefined {
  if (!Number.isInteger(time) || time < 0 || time >= MAX_TIME_MS) {
    return `time ${time} is not a whole number of ms between 1970 and 2100`;
  }
  const price =
    notPositive('open', open) ??
    notPositive('high', high) ??
    notPositive('low', low) ??
    notPositive('close', close);
  if (price) return price;
  if (!Number.isFinite(volume) || volume < 0) return `volume ${volume} is not a number >= 0`;
  if (high < Math.max(open, close)) return `high ${high} is below max(open, close)`;
  if (low > Math.min(open, close)) return `low ${low} is above min(open, close)`;
  return undefined;
}

function notPositive(name: string, value: number): string | undefined {
  return Number.isFinite(value) && value > 0
    ? undefined
    : `${name} ${value} is not a positive number`;
}

/** The first problem of a set of candles (ragged columns, a bad bar), with its index. */
export function findCandleProblem(candles: Candles): string | undefined {
  const n = candles.time.length;
  for (const column of CANDLE_COLUMNS) {
    if (candles[column].length !== n) {
      return `column ${column} has ${candles[column].length} values, time has ${n}`;
    }
  }
  const { time, open, high, low, close, volume } = candles;
  for (let i = 0; i < n; i++) {
    const problem = checkCandle(
      time[i] as number,
      open[i] as number,
      high[i] as number,
      low[i] as number,
      close[i] as number,
      volume[i] as number,
    );
    if (problem) return `candle ${i}: ${problem}`;
  }
  return undefined;
}
