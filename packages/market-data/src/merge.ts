import { findCandleProblem } from './candle-check.js';
import { allocateCandles, CANDLE_COLUMNS, pickCandles, type Candles } from './candles.js';
import { InvalidCandlesError } from './errors.js';

/**
 * What a put may store: sane bars with distinct times, sorted by time. Sorts a copy when the
 * input is out of order; returns the input itself when it is already fine.
 *
 * @throws InvalidCandlesError naming the first bad bar or repeated time.
 */
export function prepareCandles(candles: Candles): Candles {
  const problem = findCandleProblem(candles);
  if (problem) throw new InvalidCandlesError(problem);
  const sorted = isNonDecreasing(candles.time) ? candles : sortByTime(candles);
  const { time } = sorted;
  for (let i = 1; i < time.length; i++) {
    if (time[i] === time[i - 1]) {
      const iso = new Date(time[i] as number).toISOString();
      throw new InvalidCandlesError(`time ${iso} appears more than once`);
    }
  }
  return sorted;
}

function isNonDecreasing(time: Float64Array): boolean {
  for (let i = 1; i < time.length; i++) {
    if ((time[i] as number) < (time[i - 1] as number)) return false;
  }
  return true;
}

function sortByTime(candles: Candles): Candles {
  const { time } = candles;
  return pickCandles(
    candles,
    Array.from(time.keys()).sort((a, b) => (time[a] as number) - (time[b] as number)),
  );
}

export interface MergeResult {
  candles: Candles;
  inserted: number;
  updated: number;
}

/**
 * Merges two sorted series with distinct times; on equal times the bar of `incoming` wins.
 * Linear: one pass counts the shared times so the result is allocated once, at its size.
 */
export function mergeCandles(existing: Candles, incoming: Candles): MergeResult {
  const a = existing.time;
  const b = incoming.time;
  const updated = countShared(a, b);
  const inserted = b.length - updated;
  const lastExisting = a[a.length - 1] ?? -Infinity;
  if ((b[0] ?? Infinity) > lastExisting) {
    return { candles: concatCandles(existing, incoming), inserted, updated };
  }
  const merged = allocateCandles(a.length + inserted);
  let i = 0;
  let j = 0;
  let k = 0;
  const take = (source: Candles, index: number): void => {
    for (const column of CANDLE_COLUMNS) merged[column][k] = source[column][index] as number;
    k++;
  };
  while (i < a.length || j < b.length) {
    const ta = i < a.length ? (a[i] as number) : Infinity;
    const tb = j < b.length ? (b[j] as number) : Infinity;
    if (ta < tb) take(existing, i++);
    else {
      if (ta === tb) i++;
      take(incoming, j++);
    }
  }
  return { candles: merged, inserted, updated };
}

function countShared(a: Float64Array, b: Float64Array): number {
  let shared = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    const ta = a[i] as number;
    const tb = b[j] as number;
    if (ta === tb) shared++;
    if (ta <= tb) i++;
    if (tb <= ta) j++;
  }
  return shared;
}

/** `incoming` appended after `existing`: the common case of importing the newest bars. */
function concatCandles(existing: Candles, incoming: Candles): Candles {
  const n = existing.time.length;
  const out = allocateCandles(n + incoming.time.length);
  for (const column of CANDLE_COLUMNS) {
    out[column].set(existing[column]);
    out[column].set(incoming[column], n);
  }
  return out;
}
