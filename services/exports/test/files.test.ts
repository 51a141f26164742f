import { describe, expect, it } from 'vitest';
import { csvStream } from '../src/export/csv-stream.js';
import { neutraliseText, type Row, type TableColumn } from '../src/export/table.js';
import { xlsxStream } from '../src/export/xlsx-stream.js';
import { drain, readCsv, readXlsx } from './read-back.js';

const COLUMNS: TableColumn[] = [
  { header: 'time', kind: 'time', width: 24 },
  { header: 'note', kind: 'text', width: 30 },
  { header: 'value', kind: 'number', width: 12 },
];

/** Text a spreadsheet would run, and text it would not; numbers that look like formulas. */
const ROWS: Row[] = [
  [new Date('2024-01-02T03:04:05.000Z'), '=1+1', -1.5],
  [new Date('2024-02-29T23:59:59.000Z'), '+41', 0.000001],
  [new Date('2024-03-01T00:00:00.000Z'), '-2+3', 0],
  [new Date('2024-03-01T01:00:00.000Z'), '@SUM(A1:A2)', 123456789.125],
  [new Date('2024-03-01T02:00:00.000Z'), '\t=cmd', 42],
  [new Date('2024-03-01T03:00:00.000Z'), '\r=cmd', 7],
  [new Date('2024-03-01T04:00:00.000Z'), 'a "quoted", comma', 1e21],
  [new Date('2024-03-01T05:00:00.000Z'), 'line\nbreak and ü€', 3],
  [new Date('2024-03-01T06:00:00.000Z'), 'plain = text', -7],
];

async function* once(rows: readonly Row[]): AsyncGenerator<readonly Row[]> {
  yield rows.slice(0, 4);
  yield rows.slice(4);
}

const sink = () => ({ signal: new AbortController().signal, onRows: () => {} });
const table = (rows: AsyncIterable<readonly Row[]>) => ({ name: 'T 1h', columns: COLUMNS, rows });

describe('export files', () => {
  it('neutraliseText - prefixes text that starts like a formula, leaves the rest', () => {
    expect(['=1', '+1', '-1', '@a', '\tx', '\rx', 'a=1', ' =1', ''].map(neutraliseText)).toEqual([
      "'=1",
      "'+1",
      "'-1",
      "'@a",
      "'\tx",
      "'\rx",
      'a=1',
      ' =1',
      '',
    ]);
  });

  it('csvStream - RFC 4180 read back by Python: header, ISO times, numbers, escaped text', async () => {
    const bytes = await drain(csvStream(table(once(ROWS)), sink()));
    const text = Buffer.from(bytes).toString('utf8');
    expect(text.startsWith('time,note,value\r\n')).toBe(true);
    const rows = await readCsv(bytes);
    expect(rows[0]).toEqual(['time', 'note', 'value']);
    expect(rows.slice(1)).toEqual([
      ['2024-01-02T03:04:05.000Z', "'=1+1", '-1.5'],
      ['2024-02-29T23:59:59.000Z', "'+41", '0.000001'],
      ['2024-03-01T00:00:00.000Z', "'-2+3", '0'],
      ['2024-03-01T01:00:00.000Z', "'@SUM(A1:A2)", '123456789.125'],
      ['2024-03-01T02:00:00.000Z', "'\t=cmd", '42'],
      ['2024-03-01T03:00:00.000Z', "'\r=cmd", '7'],
      ['2024-03-01T04:00:00.000Z', 'a "quoted", comma', '1e+21'],
      ['2024-03-01T05:00:00.000Z', 'line\nbreak and ü€', '3'],
      ['2024-03-01T06:00:00.000Z', 'plain = text', '-7'],
    ]);
  });

  it('xlsxStream - read back by openpyxl: bold frozen header, filter, widths, types, no formulas', async () => {
    const bytes = await drain(xlsxStream([table(once(ROWS))], sink()));
    const book = await readXlsx(bytes);
    expect(book.sheet).toBe('T 1h');
    expect(book.headerBold).toEqual([true, true, true]);
    expect(book.freezePanes).toBe('A2');
    expect(book.autoFilter).toBe(`A1:C${ROWS.length + 1}`);
    expect(book.widths).toEqual([24, 30, 12]);
    expect(book.hasFormula).toBe(false);
    expect(book.rows[0]).toEqual([
      { t: 'text', v: 'time', dataType: 's' },
      { t: 'text', v: 'note', dataType: 's' },
      { t: 'text', v: 'value', dataType: 's' },
    ]);
    const body = book.rows.slice(1);
    expect(body.map((r) => r[0])).toEqual(
      ROWS.map((r) => ({
        t: 'date',
        v: (r[0] as Date).toISOString().replace('Z', '+00:00'),
        fmt: 'yyyy-mm-dd hh:mm:ss "UTC"',
      })),
    );
    // Text stays the text it is, as a string cell: never a formula, never prefixed (a CR is
    // written as the LF that XML reads it as).
    expect(body.map((r) => r[1])).toEqual(
      ROWS.map((r) => ({ t: 'text', v: (r[1] as string).replace('\r', '\n'), dataType: 's' })),
    );
    expect(body.map((r) => r[2])).toEqual(ROWS.map((r) => ({ t: 'number', v: r[2] })));
  });

  it('csvStream - an aborted signal errors the stream', async () => {
    const controller = new AbortController();
    async function* endless(): AsyncGenerator<readonly Row[]> {
      for (;;) {
        yield ROWS;
        controller.abort(new Error('revoked'));
      }
    }
    const stream = csvStream(table(endless()), { ...sink(), signal: controller.signal });
    await expect(drain(stream)).rejects.toThrow('revoked');
  });

  it('xlsxStream - an aborted signal errors the stream', async () => {
    const controller = new AbortController();
    async function* endless(): AsyncGenerator<readonly Row[]> {
      for (;;) {
        yield ROWS;
        controller.abort(new Error('revoked'));
      }
    }
    const stream = xlsxStream([table(endless())], { ...sink(), signal: controller.signal });
    await expect(drain(stream)).rejects.toThrow('revoked');
  });
});
