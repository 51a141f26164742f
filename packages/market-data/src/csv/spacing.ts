import { pickCandles, type Candles } from '../candles.js';

/** Bars missing between two bars present in a file. */
export interface CandleGap {
  /** Open time of the bar before the gap, ms since the epoch. */
  after: number;
  /** Open time of the bar after the gap. */
  before: number;
  missing: number;
}

/** A bar at the same time as another (`gapMs` 0), or closer to it than one bar. */
export interface SpacingProblem {
  line: number;
  time: number;
  /** Line of the bar just before it in time. */
  before: number;
  gapMs: number;
}

export interface Spacing {
  /** The bars sorted by time. */
  candles: Candles;
  /** The first `maxReported` problems; `problemCount` counts them all. */
  problems: SpacingProblem[];
  problemCount: number;
  gaps: CandleGap[];
  gapCount: number;
  missingBars: number;
}

/**
 * Sorts a file's bars by time (files are usually sorted already) and checks the distance between
 * neighbours against the bar length: closer is an error, further is a gap.
 */
export function checkSpacing(
  candles: Candles,
  lines: readonly number[],
  barMs: number,
  maxReported: number,
): Spacing {
  const order = sortedOrder(candles.time, lines);
  const sorted = order ? pickCandles(candles, order) : candles;
  const lineAt = (i: number): number => lines[order ? (order[i] as number) : i] as number;
  const result: Spacing = {
    candles: sorted,
    problems: [],
    problemCount: 0,
    gaps: [],
    gapCount: 0,
    missingBars: 0,
  };
  const { time } = sorted;
  for (let i = 1; i < time.length; i++) {
    const gapMs = (time[i] as number) - (time[i - 1] as number);
    if (gapMs < barMs) {
      result.problemCount++;
      if (result.problems.length < maxReported) {
        result.problems.push({
          line: lineAt(i),
          time: time[i] as number,
          before: lineAt(i - 1),
          gapMs,
        });
      }
    } else if (gapMs > barMs) {
      const missing = Math.ceil(gapMs / barMs) - 1;
      result.gapCount++;
      result.missingBars += missing;
      if (result.gaps.length < maxReported) {
        result.gaps.push({ after: time[i - 1] as number, before: time[i] as number, missing });
      }
    }
  }
  return result;
}

/** The indices by time, then by line; undefined when already in order. */
function sortedOrder(time: Float64Array, lines: readonly number[]): number[] | undefined {
  let sorted = true;
  for (let i = 1; i < time.length && sorted; i++)
    sorted = (time[i] as number) >= (time[i - 1] as number);
  if (sorted) return undefined;
  return Array.from(time.keys()).sort(
    (a, b) =>
      (time[a] as number) - (time[b] as number) || (lines[a] as number) - (lines[b] as number),
  );
}
