import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Reads files back with the tools their users have: Python's csv module and openpyxl. */

/**
 * Debian's python3, where .ci/run installs python3-openpyxl, before any other on the PATH (a
 * pyenv shim would hide the system packages); WADM_TEST_PYTHON overrides it.
 */
const PYTHON =
  process.env['WADM_TEST_PYTHON'] ??
  (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

const CSV_READER = `
import csv, io, json, sys
text = sys.stdin.buffer.read().decode('utf-8')
print(json.dumps(list(csv.reader(io.StringIO(text, newline='')))))
`;

const XLSX_READER = `
import json, sys, zipfile, datetime
from openpyxl import load_workbook
path = sys.argv[1]
wb = load_workbook(path)
def cell(c):
    v = c.value
    if v is None:
        return {'t': 'empty'}
    if isinstance(v, datetime.datetime):
        return {'t': 'date', 'v': v.replace(tzinfo=datetime.timezone.utc).isoformat(timespec='milliseconds'), 'fmt': c.number_format}
    if isinstance(v, bool):
        return {'t': 'bool', 'v': v}
    if isinstance(v, (int, float)):
        return {'t': 'number', 'v': v}
    return {'t': 'text', 'v': v, 'dataType': c.data_type}
def sheet(i, ws, z):
    rows = [[cell(c) for c in row] for row in ws.iter_rows()]
    # openpyxl keeps equal neighbouring columns as one <col min max> group
    widths = [None] * ws.max_column
    for dim in ws.column_dimensions.values():
        for j in range(dim.min, dim.max + 1):
            if j <= ws.max_column:
                widths[j - 1] = dim.width
    sheet_xml = z.read('xl/worksheets/sheet%d.xml' % (i + 1)).decode('utf-8')
    return {
        'sheet': ws.title,
        'rows': rows,
        'headerBold': [bool(c.font and c.font.b) for c in ws[1]],
        'freezePanes': ws.freeze_panes,
        'autoFilter': ws.auto_filter.ref,
        'widths': widths,
        'hasFormula': '<f>' in sheet_xml or '<f ' in sheet_xml,
    }
with zipfile.ZipFile(path) as z:
    print(json.dumps([sheet(i, ws, z) for i, ws in enumerate(wb.worksheets)]))
`;

function python(args: string[], input?: Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(PYTHON, args, { maxBuffer: 512 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
    );
    child.stdin?.end(input ? Buffer.from(input) : undefined);
  });
}

export async function readCsv(bytes: Uint8Array): Promise<string[][]> {
  return JSON.parse(await python(['-c', CSV_READER], bytes)) as string[][];
}

export type XlsxCell =
  | { t: 'empty' }
  | { t: 'date'; v: string; fmt: string }
  | { t: 'number'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'text'; v: string; dataType: string };

export interface XlsxReadBack {
  sheet: string;
  rows: XlsxCell[][];
  headerBold: boolean[];
  freezePanes: string | null;
  autoFilter: string | null;
  widths: number[];
  hasFormula: boolean;
}

/** The first sheet of a workbook. */
export async function readXlsx(bytes: Uint8Array): Promise<XlsxReadBack> {
  const [first] = await readXlsxSheets(bytes);
  if (!first) throw new Error('a workbook without sheets');
  return first;
}

/** Every sheet of a workbook, in order. */
export async function readXlsxSheets(bytes: Uint8Array): Promise<XlsxReadBack[]> {
  const dir = await mkdtemp(join(tmpdir(), 'wadm-xlsx-'));
  try {
    const path = join(dir, 'export.xlsx');
    await writeFile(path, bytes);
    return JSON.parse(await python(['-c', XLSX_READER, path])) as XlsxReadBack[];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Everything a web stream yields, in one buffer. */
export async function drain(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks);
}
