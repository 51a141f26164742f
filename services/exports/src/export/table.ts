/** A cell of an exported table: numbers stay numbers, times are instants, text is text. */
export type Cell = number | string | Date;
export type Row = readonly Cell[];

export interface TableColumn {
  header: string;
  kind: 'time' | 'number' | 'text';
  /** Width in characters in XLSX. */
  width: number;
}

/** A table's rows come in batches, read from their store a chunk at a time. */
export type RowBatches = AsyncIterable<readonly Row[]>;

/** What an exported file's writer is told as it goes. */
export interface TableSink {
  /** Stops the file: the stream errors with the signal's reason. */
  signal: AbortSignal;
  /** Called after each batch with its number of rows. */
  onRows(rows: number): void;
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
