/**
 * A cell of an exported table: numbers stay numbers, times are instants, text is text, and
 * null is a cell left empty (a task that never started has no start time).
 */
export type Cell = number | string | Date | null;
export type Row = readonly Cell[];

export interface TableColumn {
  header: string;
  kind: 'time' | 'number' | 'text';
  /** Width in characters in XLSX. */
  width: number;
}

/** A table's rows come in batches, read from their store a chunk at a time. */
export type RowBatches = AsyncIterable<readonly Row[]>;

/** One table of an export: a sheet of an XLSX workbook, or the whole of a CSV file. */
export interface ExportTable {
  /** The sheet's name (cut to Excel's 31 characters). */
  name: string;
  columns: readonly TableColumn[];
  rows: RowBatches;
}

/** Rows go to a writer in batches of this many: small enough to keep a file moving. */
export const ROWS_PER_BATCH = 2_000;

/** Rows already in memory, as batches. */
export async function* batchesOf(rows: readonly Row[]): RowBatches {
  for (let i = 0; i < rows.length; i += ROWS_PER_BATCH) yield rows.slice(i, i + ROWS_PER_BATCH);
}

/** What an exported file's writer is told as it goes. */
export interface TableSink {
  /** Stops the file: the stream errors with the signal's reason. */
  signal: AbortSignal;
  /** Called after each batch with its number of rows and the table they belong to. */
  onRows(rows: number, table: string): void;
}

/** Characters that make a spreadsheet read a text cell as a formula (OWASP's list). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell as a spreadsheet will show it, never run it: one that starts like a formula
 * (`=`, `+`, `-`, `@`, tab, CR) gets a leading `'`. Numbers are never text cells, so `-1.5`
 * stays a number.
 */
export function neutraliseText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}
