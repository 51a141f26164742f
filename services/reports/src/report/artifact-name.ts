import { createHash } from 'node:crypto';

/** The chart timeframe a report uses unless told otherwise. */
export const DEFAULT_REPORT_TIMEFRAME = '1h';

/**
 * Where a daily report is stored in ARTIFACTS. The watchlist at the default timeframe is the
 * report of the day, `reports/daily/<date>.pdf`; any other choice of symbols or timeframe gets
 * a name of its own (a digest of them), so that a report for one symbol never replaces it. The
 * same inputs give the same name: running a report again replaces its earlier file.
 */
export function reportArtifactName(
  date: string,
  symbols: readonly string[],
  timeframe: string,
  watchlist: readonly string[],
): string {
  const isWatchlist =
    timeframe === DEFAULT_REPORT_TIMEFRAME &&
    symbols.length === watchlist.length &&
    symbols.every((s, i) => s === watchlist[i]);
  if (isWatchlist) return `reports/daily/${date}.pdf`;
  const digest = createHash('sha256')
    .update(JSON.stringify([symbols, timeframe]))
    .digest('hex');
  return `reports/daily/${date}-${digest.slice(0, 12)}.pdf`;
}
