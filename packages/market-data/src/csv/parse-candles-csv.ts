import { CandleBuilder } from '../candle-builder.js';
import { checkCandle } from '../candle-check.js';
import type { Candles } from '../candles.js';
import type { CsvRowError } from '../errors.js';
import { describeSpan, TIMEFRAME_MS, type Timeframe } from '../timeframe.js';
import { findColumns, type CsvColumns, type CsvFormat } from './csv-columns.js';
import { parseCsvTime } from './csv-time.js';
import { checkSpacing, type CandleGap, type SpacingProblem } from './spacing.js';

/** Reported problems and gaps are capped: a wrong file must not produce a million lines. */
export const MAX_REPORTED = 100;

export interface ParsedCandlesCsv {
  /** The good rows, sorted by time. */
  candles: Candles;
  format: CsvFormat;
  header: boolean;
  /** Data rows in the file: neither blank nor the header. */
  rows: number;
  /** The first rejected rows by line number; `errorCount` counts them all. */
  errors: CsvRowError[];
  errorCount: number;
  /** The first gaps in time order; `gapCount` counts them all. */
  gaps: CandleGap[];
  gapCount: number;
  /** Bars missing in all gaps together. */
  missingBars: number;
}

/**
 * Parses a candle CSV without touching any store: Binance kline files (with or without their
 * header; open time in ms or, as Binance spot files since 2025, µs) or `timestamp,open,high,
 * low,close,volume` with ISO-8601 or epoch-ms times. Every row is checked; rows may come in any
 * order but not twice, nor closer together than one bar of `timeframe`. Gaps are reported.
 */
export function parseCandlesCsv(text: string, timeframe: Timeframe): ParsedCandlesCsv {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  const errors: CsvRowError[] = [];
  let errorCount = 0;
  const reject = (line: number, message: string): void => {
    errorCount++;
    if (errors.length < MAX_REPORTED) errors.push({ line, message });
  };

  const bars = new CandleBuilder();
  const barLines: number[] = [];
  let rows = 0;
  const first = lines.findIndex((line) => line.trim() !== '');
  const found = first < 0 ? undefined : findColumns(splitFields(lines[first] as string));
  if (typeof found === 'string') reject(first + 1, found);
  const columns = typeof found === 'object' ? found : undefined;
  for (let i = columns?.header ? first + 1 : first; columns && i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    rows++;
    const row = parseRow(splitFields(line), columns);
    if (typeof row === 'string') reject(i + 1, row);
    else {
      bars.push(...row);
      barLines.push(i + 1);
    }
  }

  const spacing = checkSpacing(bars.build(), barLines, TIMEFRAME_MS[timeframe], MAX_REPORTED);
  for (const problem of spacing.problems) reject(problem.line, describeProblem(problem, timeframe));
  errorCount += spacing.problemCount - spacing.problems.length;
  errors.sort((a, b) => a.line - b.line);
  return {
    candles: spacing.candles,
    format: columns?.format ?? 'ohlcv',
    header: columns?.header ?? false,
    rows,
    errors,
    errorCount,
    gaps: spacing.gaps,
    gapCount: spacing.gapCount,
    missingBars: spacing.missingBars,
  };
}

type Row = [time: number, open: number, high: number, low: number, close: number, volume: number];
const VALUES = ['open', 'high', 'low', 'close', 'volume'] as const;

/** A row as a bar, or the first thing wrong with it. */
function parseRow(fields: readonly string[], columns: CsvColumns): Row | string {
  if (fields.length < columns.minFields) {
    return `expected at least ${columns.minFields} fields, found ${fields.length}`;
  }
  const time = parseCsvTime(fields[columns.index.time] as string);
  if (typeof time === 'string') return time;
  const row: Row = [time, 0, 0, 0, 0, 0];
  for (let k = 0; k < VALUES.length; k++) {
    const name = VALUES[k] as (typeof VALUES)[number];
    const field = fields[columns.index[name]] as string;
    const value = Number(field);
    if (field === '' || !Number.isFinite(value)) {
      return `${name} ${JSON.stringify(field)} is not a number`;
    }
    row[k + 1] = value;
  }
  return checkCandle(...row) ?? row;
}

function describeProblem(problem: SpacingProblem, timeframe: Timeframe): string {
  const time = new Date(problem.time).toISOString();
  if (problem.gapMs === 0) return `time ${time} repeats line ${problem.before}`;
  return `${time} is ${describeSpan(problem.gapMs)} after line ${problem.before}, closer than one ${timeframe} bar: wrong timeframe?`;
}

/** Comma-separated, trimmed, with surrounding double quotes removed (numbers hold no commas). */
export function splitFields(line: string): string[] {
  return line.split(',').map((raw) => {
    const field = raw.trim();
    return field.length >= 2 && field.startsWith('"') && field.endsWith('"')
      ? field.slice(1, -1).trim()
      : field;
  });
}
