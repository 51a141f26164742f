import { validate } from '@wadm/contracts';
import { DEMO_END, DEMO_START, openCandleStore, seedDemoData } from '@wadm/market-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as S from '../../src/http/schemas.js';
import { send, startHarness, token, uniqueUser, type Harness } from './harness.js';

let h: Harness;
let port: number;

const HOUR_MS = 3_600_000;
const CSV = { 'content-type': 'text/csv' };

beforeAll(async () => {
  h = await startHarness();
  const { store } = await openCandleStore({ nats: h.nc });
  await seedDemoData(store);
  ({ port } = await h.startApp());
}, 120_000);
afterAll(() => h?.close());

/** `timestamp,open,high,low,close,volume` rows, one bar an hour from `start`. */
function ohlcv(start: number, closes: number[]): string {
  const rows = closes.map(
    (c, i) => `${new Date(start + i * HOUR_MS).toISOString()},${c},${c + 2},${c - 2},${c + 1},10`,
  );
  return ['timestamp,open,high,low,close,volume', ...rows].join('\n');
}

describe('REST market data', () => {
  it('list - shows the seeded demo series with ISO ranges', async () => {
    const r = await send(port, 'GET', '/api/v1/market-data', { token: await token(uniqueUser()) });
    expect(r.status).toBe(200);
    expect(validate(S.SeriesList, r.json)).toEqual([]);
    const btc = r.json.series.find(
      (s: S.SeriesView) => s.symbol === 'BTCUSDT' && s.timeframe === '1h',
    );
    expect(btc).toEqual({
      symbol: 'BTCUSDT',
      timeframe: '1h',
      from: new Date(DEMO_START).toISOString(),
      to: new Date(DEMO_END - HOUR_MS).toISOString(),
      count: (DEMO_END - DEMO_START) / HOUR_MS,
    });
    expect(r.json.series.map((s: S.SeriesView) => `${s.symbol} ${s.timeframe}`)).toEqual(
      expect.arrayContaining(['BTCUSDT 1d', 'ETHUSDT 1h', 'ETHUSDT 1d']),
    );
  });

  it('import - an admin imports a CSV, re-imports to merge, and the list shows the series', async () => {
    const admin = await token(uniqueUser('admin'), true);
    const start = Date.UTC(2024, 5, 1);
    // Bars 0, 1, 2 and 4: one missing bar, reported as a gap.
    const text = ohlcv(start, [100, 101, 102, 0, 104])
      .split('\n')
      .filter((_, i) => i !== 4)
      .join('\n');
    const first = await send(port, 'POST', '/api/v1/market-data/TESTUSDT/1h', {
      token: admin,
      body: text,
      headers: CSV,
    });
    expect(first.status).toBe(200);
    expect(validate(S.CandleImportResult, first.json)).toEqual([]);
    expect(first.json).toMatchObject({
      symbol: 'TESTUSDT',
      timeframe: '1h',
      format: 'ohlcv',
      rows: 4,
      inserted: 4,
      updated: 0,
      total: 4,
      gap_count: 1,
      missing_bars: 1,
      from: new Date(start).toISOString(),
      to: new Date(start + 4 * HOUR_MS).toISOString(),
    });
    expect(first.json.gaps).toEqual([
      {
        after: new Date(start + 2 * HOUR_MS).toISOString(),
        before: new Date(start + 4 * HOUR_MS).toISOString(),
        missing: 1,
      },
    ]);
    expect(first.json.warnings).toHaveLength(1);

    const again = await send(port, 'POST', '/api/v1/market-data/TESTUSDT/1h', {
      token: admin,
      body: ohlcv(start + 4 * HOUR_MS, [104, 105]),
      headers: { 'content-type': 'text/csv; charset=utf-8' },
    });
    expect(again.json).toMatchObject({ inserted: 1, updated: 1, total: 5 });

    const list = await send(port, 'GET', '/api/v1/market-data', {
      token: await token(uniqueUser()),
    });
    expect(list.json.series).toContainEqual({
      symbol: 'TESTUSDT',
      timeframe: '1h',
      from: new Date(start).toISOString(),
      to: new Date(start + 5 * HOUR_MS).toISOString(),
      count: 5,
    });
  });

  it('import - refuses non-admins with 403', async () => {
    const r = await send(port, 'POST', '/api/v1/market-data/NOPEUSDT/1h', {
      token: await token(uniqueUser()),
      body: ohlcv(Date.UTC(2024, 0, 1), [1, 2]),
      headers: CSV,
    });
    expect(r.status).toBe(403);
    expect(r.json.code).toBe('FORBIDDEN');
  });

  it('import - a CSV with bad rows is 422 listing their line numbers, and stores nothing', async () => {
    const admin = await token(uniqueUser('admin'), true);
    const rows = ohlcv(Date.UTC(2024, 0, 1), [100, 101, 102, 103]).split('\n');
    rows[2] = rows[2]!.replace(',103,', ',abc,'); // line 3: a high that is not a number
    rows[4] = '2024-01-01T03:00:00Z,100,90,95,99,1'; // line 5: high below low
    const r = await send(port, 'POST', '/api/v1/market-data/BADUSDT/1h', {
      token: admin,
      body: rows.join('\n'),
      headers: CSV,
    });
    expect(r.status).toBe(422);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(validate(S.Problem, r.json)).toEqual([]);
    expect(r.json).toMatchObject({ code: 'CSV_REJECTED', lines: [3, 5], error_count: 2 });
    expect(r.json.errors.map((e: { path: string }) => e.path)).toEqual([
      '/body/line/3',
      '/body/line/5',
    ]);
    const list = await send(port, 'GET', '/api/v1/market-data', { token: admin });
    expect(list.json.series.map((s: S.SeriesView) => s.symbol)).not.toContain('BADUSDT');
  });

  it('import - bodies other than text/csv are 415', async () => {
    const admin = await token(uniqueUser('admin'), true);
    const json = await send(port, 'POST', '/api/v1/market-data/BTCUSDT/1h', {
      token: admin,
      body: { rows: [] },
    });
    expect(json.status).toBe(415);
    expect(json.json.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(json.headers['accept-post']).toBe('text/csv');
    const latin1 = await send(port, 'POST', '/api/v1/market-data/BTCUSDT/1h', {
      token: admin,
      body: 'timestamp,open,high,low,close,volume\n',
      headers: { 'content-type': 'text/csv; charset=iso-8859-1' },
    });
    expect(latin1.status).toBe(415);
  });

  it('import - a bad symbol or timeframe is 400 naming both', async () => {
    const r = await send(port, 'POST', '/api/v1/market-data/btc-usd/2h', {
      token: await token(uniqueUser('admin'), true),
      body: ohlcv(Date.UTC(2024, 0, 1), [1, 2]),
      headers: CSV,
    });
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('VALIDATION_FAILED');
    expect(r.json.errors.map((e: { path: string }) => e.path)).toEqual([
      '/path/symbol',
      '/path/timeframe',
    ]);
  });

  it('import - a body over the size limit is 413', async () => {
    const r = await send(port, 'POST', '/api/v1/market-data/BIGUSDT/1h', {
      token: await token(uniqueUser('admin'), true),
      body: 'x'.repeat(70_000),
      headers: CSV,
    });
    expect(r.status).toBe(413);
  });
});
