/** One fall from a peak and the climb back to it. */
export interface DrawdownEpisode {
  /** Bar of the peak the fall started from. */
  peakBar: number;
  /** Bar of the lowest close before recovery. */
  troughBar: number;
  /** First bar closing at or above the peak again; null while not recovered. */
  recoveryBar: number | null;
  /** (peak − trough) / peak, a positive fraction. */
  depth: number;
}

/**
 * Every drawdown of a close series: from each running peak to the lowest close before the
 * series closes at or above that peak again. The deepest `top` first.
 */
export function drawdownEpisodes(close: Float64Array, top = 10): DrawdownEpisode[] {
  const episodes: DrawdownEpisode[] = [];
  let peakBar = 0;
  let troughBar = 0;
  for (let t = 1; t < close.length; t++) {
    const c = close[t]!;
    if (c >= close[peakBar]!) {
      if (troughBar > peakBar) episodes.push(episode(close, peakBar, troughBar, t));
      peakBar = t;
      troughBar = t;
    } else if (c < close[troughBar]!) {
      troughBar = t;
    }
  }
  if (troughBar > peakBar) episodes.push(episode(close, peakBar, troughBar, null));
  return episodes.sort((a, b) => b.depth - a.depth).slice(0, top);
}

function episode(
  close: Float64Array,
  peakBar: number,
  troughBar: number,
  recoveryBar: number | null,
): DrawdownEpisode {
  const peak = close[peakBar]!;
  return { peakBar, troughBar, recoveryBar, depth: (peak - close[troughBar]!) / peak };
}
