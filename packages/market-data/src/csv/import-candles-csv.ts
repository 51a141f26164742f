import type { CandleStore, PutResult } from '../candle-store.js';
import { CandleCsvError } from '../errors.js';
import { assertSeries } from '../series.js';
import type { Timeframe } from '../timeframe.js';
import type { CsvFormat } from './csv-columns.js';
import { parseCandlesCsv, type ParsedCandlesCsv } from './parse-candles-csv.js';
import type { CandleGap } from './spacing.js';

/** What an import did, and the gaps it saw (warnings: the bars were stored all the same). */
export interface CsvImportResult extends PutResult {
  symbol: string;
  timeframe: Timeframe;
  format: CsvFormat;
  header: boolean;
  /** Data rows in the file, all of them stored. */
  rows: number;
  /** Open time of the file's first and last bar, ms since the epoch. */
  from: number;
  to: number;
  /** The first gaps in the file; `gapCount` counts them all. */
  gaps: CandleGap[];
  gapCount: number;
  missingBars: number;
}

/** A CSV that passed every check, ready to store. */
export interface CheckedCandlesCsv {
  symbol: string;
  timeframe: Timeframe;
  parsed: ParsedCandlesCsv;
}

/**
 * Parses and checks a candle CSV for one series, touching no store: callers can refuse a bad
 * file before they connect to anything.
 *
 * @throws CandleCsvError listing the bad rows with their line numbers, or for a file with no rows.
 * @throws InvalidSeriesError for a bad symbol or timeframe.
 */
export function checkCandlesCsv(
  symbol: string,
  timeframe: string,
  text: string,
): CheckedCandlesCsv {
  assertSeries(symbol, timeframe);
  const parsed = parseCandlesCsv(text, timeframe);
  if (parsed.errorCount > 0) {
    const rows = parsed.errorCount === 1 ? 'row' : 'rows';
    throw new CandleCsvError(
      `${parsed.errorCount} bad ${rows} of ${parsed.rows}; nothing was imported`,
      parsed.errors,
      parsed.errorCount,
    );
  }
  if (parsed.candles.time.length === 0) {
    throw new CandleCsvError('the file has no candle rows; nothing was imported', []);
  }
  return { symbol, timeframe, parsed };
}

/** Stores a checked CSV in one put that merges by time. */
export async function storeCandlesCsv(
  store: CandleStore,
  { symbol, timeframe, parsed }: CheckedCandlesCsv,
): Promise<CsvImportResult> {
  const { candles } = parsed;
  const put = await store.putCandles(symbol, timeframe, candles);
  return {
    symbol,
    timeframe,
    format: parsed.format,
    header: parsed.header,
    rows: parsed.rows,
    from: candles.time[0] as number,
    to: candles.time[candles.time.length - 1] as number,
    ...put,
    gaps: parsed.gaps,
    gapCount: parsed.gapCount,
    missingBars: parsed.missingBars,
  };
}

/**
 * Imports a candle CSV into one series: every row is parsed and checked first, then all are
 * stored in one put that merges by time. A file with any bad row stores nothing.
 *
 * @throws CandleCsvError listing the bad rows with their line numbers, or for a file with no rows.
 * @throws InvalidSeriesError for a bad symbol or timeframe.
 */
export async function importCandlesCsv(
  store: CandleStore,
  symbol: string,
  timeframe: string,
  text: string,
): Promise<CsvImportResult> {
  return storeCandlesCsv(store, checkCandlesCsv(symbol, timeframe, text));
}
