/**
 * What a strategy says at the close of a bar, as bit flags in a `Uint8Array` with one entry per
 * bar. Entry and exit rules are separate because not every strategy is symmetric (Bollinger
 * reversion exits at the middle band, not at the opposite band).
 */
export const Signal = {
  LONG_ENTRY: 1,
  LONG_EXIT: 2,
  SHORT_ENTRY: 4,
  SHORT_EXIT: 8,
} as const;
export type Signal = (typeof Signal)[keyof typeof Signal];

/** Flags of a bullish turn: it opens a long and closes a short. */
export const BULLISH = Signal.LONG_ENTRY | Signal.SHORT_EXIT;
/** Flags of a bearish turn: it closes a long and opens a short. */
export const BEARISH = Signal.LONG_EXIT | Signal.SHORT_ENTRY;

/**
 * Crosses of `fast` over `slow`: bullish when `fast[t] > slow[t]` and `fast[t-1] <= slow[t-1]`,
 * bearish when `fast[t] < slow[t]` and `fast[t-1] >= slow[t-1]`. Every comparison with NaN is
 * false, so a cross needs both bars out of the warm-up without a separate check.
 */
export function crossSignals(fast: Float64Array, slow: Float64Array): Uint8Array {
  const n = fast.length;
  const out = new Uint8Array(n);
  for (let t = 1; t < n; t++) {
    const f = fast[t]!;
    const s = slow[t]!;
    const pf = fast[t - 1]!;
    const ps = slow[t - 1]!;
    if (f > s && pf <= ps) out[t] = BULLISH;
    else if (f < s && pf >= ps) out[t] = BEARISH;
  }
  return out;
}
