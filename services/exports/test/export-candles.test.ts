import { createHash } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { TASK_CATALOG, validate, type CandleExportResult, type TaskState } from '@wadm/contracts';
import { UsageLedger } from '@wadm/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drain, readCsv, readXlsx } from './read-back.js';
import {
  exportsOf,
  LARGE,
  SMALL,
  startService,
  waitUntil,
  type ServiceHarness,
} from './harness.js';

/** 1 MiB: the small exports fit, the large one does not. */
const QUOTA_BYTES = 1_048_576;

describe('exports service - exports.candles', () => {
  let h: ServiceHarness;
  beforeAll(async () => {
    h = await startService({ WADM_STORAGE_QUOTA_BYTES: String(QUOTA_BYTES) });
  });
  afterAll(async () => {
    await h?.close();
  });

  const succeeded = async (task: TaskState) => {
    const state = await h.finished(task);
    expect(state.status, JSON.stringify(state.error)).toBe('SUCCESS');
    const result = state.result as CandleExportResult;
    expect(validate(TASK_CATALOG['exports.candles'].result, result)).toEqual([]);
    const object = await h.artifacts.os.get(result.artifact.name);
    const bytes = await drain(object!.data);
    return { state, result, bytes };
  };

  const range = { from: '2024-01-10T00:00:00Z', to: '2024-03-31T23:00:00Z' };
  const expectedCandles = () =>
    h.store.getCandles(SMALL.symbol, SMALL.timeframe, Date.parse(range.from), Date.parse(range.to));

  it('exports.candles - CSV read back by Python has every bar, ISO times, a matching SHA-256', async () => {
    const { task, events } = await h.submit('exports.candles', {
      symbol: SMALL.symbol,
      timeframe: SMALL.timeframe,
      ...range,
      format: 'csv',
    });
    const { state, result, bytes } = await succeeded(task);
    const candles = await expectedCandles();
    const n = candles.time.length;
    expect(result).toMatchObject({ format: 'csv', rows: n, bytes: bytes.length });
    expect(result.artifact).toMatchObject({
      store: 'ARTIFACTS',
      name: `exports/${state.owner}/${state.id}.csv`,
      contentType: 'text/csv; charset=utf-8',
      fileName: 'TESTUSDT-1h-2024-01-10-2024-03-31.csv',
      size: bytes.length,
    });
    expect(result.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const rows = await readCsv(bytes);
    expect(rows[0]).toEqual(['time', 'open', 'high', 'low', 'close', 'volume']);
    expect(rows.length).toBe(n + 1);
    for (const i of [0, 1, 499, 500, 1000, n - 1]) {
      expect(rows[i + 1]).toEqual([
        new Date(candles.time[i]!).toISOString(),
        ...[candles.open, candles.high, candles.low, candles.close, candles.volume].map((c) =>
          String(c[i]),
        ),
      ]);
      expect(rows[i + 1]!.slice(1).map(Number)).toEqual(
        [candles.open, candles.high, candles.low, candles.close, candles.volume].map((c) => c[i]),
      );
    }
    // Progress by rows written, in order, before the terminal event.
    const progress = events.filter((e) => e.status === 'STARTED' && e.progress > 0);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)?.progress).toBeLessThan(1);
  });

  it('exports.candles - XLSX read back by openpyxl: dates in UTC, numbers, bold frozen filtered header', async () => {
    const { task } = await h.submit('exports.candles', {
      symbol: SMALL.symbol,
      timeframe: SMALL.timeframe,
      ...range,
      format: 'xlsx',
    });
    const { result, bytes } = await succeeded(task);
    const candles = await expectedCandles();
    const n = candles.time.length;
    expect(result).toMatchObject({ format: 'xlsx', rows: n, bytes: bytes.length });
    expect(result.artifact.contentType).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(result.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    const book = await readXlsx(bytes);
    expect(book.sheet).toBe('TESTUSDT 1h');
    expect(book.headerBold).toEqual([true, true, true, true, true, true]);
    expect(book.freezePanes).toBe('A2');
    expect(book.autoFilter).toBe(`A1:F${n + 1}`);
    expect(book.widths).toEqual([24, 14, 14, 14, 14, 18]);
    expect(book.hasFormula).toBe(false);
    expect(book.rows[0]!.map((c) => ('v' in c ? c.v : null))).toEqual([
      'time',
      'open',
      'high',
      'low',
      'close',
      'volume',
    ]);
    expect(book.rows.length).toBe(n + 1);
    for (const i of [0, 777, n - 1]) {
      expect(book.rows[i + 1]).toEqual([
        {
          t: 'date',
          v: new Date(candles.time[i]!).toISOString().replace('Z', '+00:00'),
          fmt: 'yyyy-mm-dd hh:mm:ss "UTC"',
        },
        ...[candles.open, candles.high, candles.low, candles.close, candles.volume].map((c) => ({
          t: 'number',
          v: c[i],
        })),
      ]);
    }
  });

  it('exports.candles - an unknown series fails at once, naming the stored ones', async () => {
    const { task } = await h.submit('exports.candles', {
      symbol: 'DOGEUSDT',
      timeframe: '1h',
      format: 'csv',
    });
    const state = await h.finished(task);
    expect(state.status).toBe('FAILURE');
    expect(state.attempts).toBe(1);
    expect(state.error).toMatchObject({ code: 'SERIES_NOT_FOUND', retryable: false });
    expect(state.error?.message).toContain('BIGUSDT 1m, TESTUSDT 1h');
    expect(await exportsOf(h.artifacts, state.owner)).toEqual([]);
  });

  it('exports.candles - an empty range fails at once with the series range', async () => {
    const { task } = await h.submit('exports.candles', {
      symbol: SMALL.symbol,
      timeframe: SMALL.timeframe,
      from: '2020-01-01T00:00:00Z',
      to: '2020-02-01T00:00:00Z',
      format: 'xlsx',
    });
    const state = await h.finished(task);
    expect(state.status).toBe('FAILURE');
    expect(state.error).toMatchObject({ code: 'VALIDATION_FAILED', retryable: false });
    expect(state.error?.message).toContain('it has 2024-01-01T00:00:00.000Z to');
  });

  it('exports.candles - cancelled mid-export: REVOKED, and no object or chunk is left', async () => {
    const jsm = await jetstreamManager(h.nc);
    const before = (await jsm.streams.info('OBJ_ARTIFACTS')).state.messages;
    const { task, events } = await h.submit('exports.candles', {
      symbol: LARGE.symbol,
      timeframe: LARGE.timeframe,
      format: 'csv',
    });
    await waitUntil(
      () => events.some((e) => e.status === 'STARTED' && e.progress > 0),
      30_000,
      'a progress event',
    );
    await h.client.cancel(task.owner, task.id);
    const state = await h.finished(task);
    expect(state.status).toBe('REVOKED');
    await waitUntil(
      async () => (await jsm.streams.info('OBJ_ARTIFACTS')).state.messages === before,
      15_000,
      'the partial chunks purged',
    );
    expect(await exportsOf(h.artifacts, task.owner)).toEqual([]);
    expect(await h.artifacts.os.info(`exports/${task.owner}/${task.id}.csv`)).toBeNull();
    // What it was charged as the file grew is given back once the write has failed.
    const ledger = await UsageLedger.open(h.nc);
    await waitUntil(async () => (await ledger.bytes(task.owner)) === 0, 15_000, 'the refund');
  });

  it('exports.candles - past the storage quota midway: FAILURE, nothing stored', async () => {
    const jsm = await jetstreamManager(h.nc);
    const before = (await jsm.streams.info('OBJ_ARTIFACTS')).state.messages;
    const { task } = await h.submit('exports.candles', {
      symbol: LARGE.symbol,
      timeframe: LARGE.timeframe,
      format: 'csv',
    });
    const state = await h.finished(task);
    expect(state.status).toBe('FAILURE');
    expect(state.error).toMatchObject({ code: 'STORAGE_QUOTA_EXCEEDED', retryable: false });
    expect(await exportsOf(h.artifacts, task.owner)).toEqual([]);
    expect((await jsm.streams.info('OBJ_ARTIFACTS')).state.messages).toBe(before);
  });

  it('maintenance.exchange_health - through the service, against its configured exchange', async () => {
    const { task } = await h.submit('maintenance.exchange_health', { exchanges: ['binance'] });
    const state = await h.finished(task);
    expect(state.status, JSON.stringify(state.error)).toBe('SUCCESS');
    expect(validate(TASK_CATALOG['maintenance.exchange_health'].result, state.result)).toEqual([]);
    expect(state.result).toMatchObject({
      exchanges: [{ name: 'binance', status: 'up', httpStatus: 200 }],
    });
  });
});
