import type { ArtifactRef, ExportedPart, ExportFormat } from '@wadm/contracts';
import type { TaskContext } from '@wadm/runtime';
import { csvStream } from './csv-stream.js';
import type { ExportTable } from './table.js';
import { xlsxStream } from './xlsx-stream.js';

export const CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** What every export's result says of its file. */
export interface StoredExport {
  artifact: ArtifactRef;
  format: ExportFormat;
  rows: number;
  bytes: number;
  sha256: string;
  /** Data rows per table, in the file's order. */
  parts: ExportedPart[];
}

export interface ExportFile {
  format: ExportFormat;
  /** A CSV holds exactly one table; an XLSX workbook one sheet per table. */
  tables: readonly ExportTable[];
  /** The file name a download offers, extension included. */
  fileName: string;
  /** Rows expected in all, for progress; 0 when unknown. */
  expectedRows: number;
}

/**
 * Streams the tables into one ARTIFACTS object, `exports/<owner>/<taskId>.<ext>`, charged to
 * the owner's quota as it grows, with a progress event per batch of rows. Revoked, refused or
 * failed midway, the object store drops what was sent; stopped after the last byte went in,
 * the object is deleted here: no partial file outlives the task.
 */
export async function storeExport(
  ctx: Pick<TaskContext, 'id' | 'owner' | 'signal' | 'progress' | 'artifacts'>,
  file: ExportFile,
): Promise<StoredExport> {
  const { id, owner, signal, progress, artifacts } = ctx;
  const table = file.tables[0];
  if (file.format === 'csv' && (file.tables.length !== 1 || !table)) {
    throw new Error(`a CSV file holds one table, not ${file.tables.length}`);
  }
  const name = `exports/${owner}/${id}.${file.format}`;
  const parts = file.tables.map((t) => ({ name: t.name, rows: 0 }));
  let rows = 0;
  const sink = {
    signal,
    onRows(n: number, tableName: string) {
      rows += n;
      const part = parts.find((p) => p.name === tableName);
      if (part) part.rows += n;
      const fraction = file.expectedRows > 0 ? Math.min(0.99, rows / file.expectedRows) : 0;
      progress(fraction, `${rows} rows written`);
    },
  };
  const source =
    file.format === 'csv' && table ? csvStream(table, sink) : xlsxStream(file.tables, sink);
  const stored = await artifacts.putStream(name, source, CONTENT_TYPES[file.format], file.fileName);
  if (signal.aborted) {
    await artifacts.delete(name);
    signal.throwIfAborted();
  }
  return {
    artifact: stored.ref,
    format: file.format,
    rows,
    bytes: stored.ref.size,
    sha256: stored.sha256,
    parts,
  };
}
