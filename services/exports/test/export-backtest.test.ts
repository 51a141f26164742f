import { createHash, randomUUID } from 'node:crypto';
import {
  TASK_CATALOG,
  validate,
  type BacktestExportResult,
  type BacktestRunResult,
  type BacktestSweepResult,
  type TaskState,
} from '@wadm/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exportsOf,
  LARGE,
  SMALL,
  startBacktestService,
  startService,
  type ServiceHarness,
} from './harness.js';
import { drain, readCsv, readXlsxSheets, type XlsxCell } from './read-back.js';

const iso = (time: string): string => new Date(time).toISOString().replace('Z', '+00:00');
const date = (time: string): XlsxCell => ({
  t: 'date',
  v: iso(time),
  fmt: 'yyyy-mm-dd hh:mm:ss "UTC"',
});
const number = (v: number): XlsxCell => ({ t: 'number', v });

describe('exports service - exports.backtest', () => {
  let h: ServiceHarness;
  const alice = `alice${randomUUID().slice(0, 8)}`;
  const bob = `bob${randomUUID().slice(0, 8)}`;
  /** A short backtest: its result is inline in the state. */
  let inline: TaskState;
  /** A long one: its result went to a file in ARTIFACTS. */
  let filed: TaskState;
  let sweep: TaskState;

  const submit = async (owner: string, type: string, params: unknown, extra = {}) =>
    (await h.client.submit({ type, params, owner, ...extra })).state;
  const finished = async (owner: string, type: string, params: unknown) =>
    h.finished(await submit(owner, type, params));
  const resultOf = async (state: TaskState): Promise<unknown> =>
    state.resultRef
      ? JSON.parse(Buffer.from((await h.artifacts.get(state.resultRef.name))!).toString())
      : state.result;
  const exported = async (owner: string, params: Record<string, unknown>) => {
    const state = await finished(owner, 'exports.backtest', params);
    expect(state.status, JSON.stringify(state.error)).toBe('SUCCESS');
    const result = state.result as BacktestExportResult;
    expect(validate(TASK_CATALOG['exports.backtest'].result, result)).toEqual([]);
    const bytes = await drain((await h.artifacts.os.get(result.artifact.name))!.data);
    expect(result.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(result.bytes).toBe(bytes.length);
    return { state, result, bytes };
  };
  const failed = async (owner: string, params: Record<string, unknown>) => {
    const state = await finished(owner, 'exports.backtest', params);
    expect(state.status).toBe('FAILURE');
    expect(state.attempts).toBe(1);
    expect(state.error?.retryable).toBe(false);
    const files = await exportsOf(h.artifacts, owner);
    expect(files.filter((name) => name.includes(state.id))).toEqual([]);
    return state.error!;
  };

  beforeAll(async () => {
    h = await startService();
    await startBacktestService(h);
    const strategy = { name: 'sma_cross', params: { fast: 5, slow: 20 } };
    [inline, filed, sweep] = await Promise.all([
      finished(alice, 'backtest.run', {
        symbol: SMALL.symbol,
        timeframe: SMALL.timeframe,
        from: '2024-01-01T00:00:00Z',
        to: '2024-01-12T23:00:00Z',
        strategy,
      }),
      finished(alice, 'backtest.run', {
        symbol: LARGE.symbol,
        timeframe: LARGE.timeframe,
        strategy,
        feeBps: 5,
      }),
      finished(alice, 'backtest.sweep', {
        symbol: SMALL.symbol,
        timeframe: SMALL.timeframe,
        strategy: { name: 'sma_cross', grid: { fast: [3, 5, 8], slow: [20, 30] } },
        objective: 'totalReturn',
        top: 6,
      }),
    ]);
    for (const state of [inline, filed, sweep]) {
      expect(state.status, JSON.stringify(state.error)).toBe('SUCCESS');
    }
    expect(inline.resultRef).toBeUndefined();
    expect(filed.resultRef).toBeDefined();
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('exports.backtest - XLSX: trades, equity and metrics sheets read back by openpyxl', async () => {
    const run = (await resultOf(filed)) as BacktestRunResult;
    const { result, bytes } = await exported(alice, { taskId: filed.id, format: 'xlsx' });
    const equity = run.equity ?? [];
    expect(result.source).toEqual({ taskId: filed.id, owner: alice, type: 'backtest.run' });
    expect(result.artifact.fileName).toBe(`backtest-run-${filed.id}.xlsx`);
    // setup (task, symbol, timeframe, strategy, its two params, fees, allowShort) + 11 metrics
    const metricRows = 9 + 11;
    expect(result.parts).toEqual([
      { name: 'trades', rows: run.trades.length },
      { name: 'equity', rows: equity.length },
      { name: 'metrics', rows: metricRows },
    ]);
    expect(result.rows).toBe(run.trades.length + equity.length + metricRows);
    const [trades, curve, metrics] = await readXlsxSheets(bytes);
    expect([trades?.sheet, curve?.sheet, metrics?.sheet]).toEqual(['trades', 'equity', 'metrics']);
    for (const sheet of [trades!, curve!, metrics!]) {
      expect(sheet.headerBold.every(Boolean)).toBe(true);
      expect(sheet.freezePanes).toBe('A2');
      expect(sheet.hasFormula).toBe(false);
    }
    expect(trades!.autoFilter).toBe(`A1:I${run.trades.length + 1}`);
    expect(trades!.rows[0]!.map((c) => (c.t === 'text' ? c.v : c.t))).toEqual([
      'trade',
      'side',
      'entry time',
      'entry price',
      'exit time',
      'exit price',
      'size',
      'fee',
      'pnl',
    ]);
    expect(trades!.rows.length).toBe(run.trades.length + 1);
    for (const i of [0, 1, run.trades.length - 1]) {
      const t = run.trades[i]!;
      expect(trades!.rows[i + 1]).toEqual([
        number(i + 1),
        { t: 'text', v: t.side, dataType: 's' },
        date(t.entryTime),
        number(t.entryPrice),
        date(t.exitTime),
        number(t.exitPrice),
        number(t.size),
        number(t.fee),
        number(t.pnl),
      ]);
    }
    expect(curve!.rows.slice(1)).toEqual(
      equity.map(([time, value]) => [date(time), number(value)]),
    );
    const byMetric = new Map(metrics!.rows.slice(1).map(([k, v]) => [k && 'v' in k ? k.v : '', v]));
    expect(byMetric.get('task')).toEqual({ t: 'text', v: filed.id, dataType: 's' });
    expect(byMetric.get('strategy.fast')).toEqual(number(5));
    expect(byMetric.get('feeBps')).toEqual(number(5));
    expect(byMetric.get('totalReturn')).toEqual(number(run.metrics.totalReturn));
    expect(byMetric.get('trades')).toEqual(number(run.metrics.trades));
  });

  it('exports.backtest - CSV holds one part: trades by default, equity when asked', async () => {
    const run = (await resultOf(inline)) as BacktestRunResult;
    const trades = await exported(alice, { taskId: inline.id, format: 'csv' });
    expect(trades.result.parts).toEqual([{ name: 'trades', rows: run.trades.length }]);
    expect(trades.result.artifact.fileName).toBe(`backtest-run-${inline.id}-trades.csv`);
    const rows = await readCsv(trades.bytes);
    expect(rows[0]).toEqual([
      'trade',
      'side',
      'entry time',
      'entry price',
      'exit time',
      'exit price',
      'size',
      'fee',
      'pnl',
    ]);
    expect(rows.slice(1)).toEqual(
      run.trades.map((t, i) =>
        [
          i + 1,
          t.side,
          t.entryTime,
          t.entryPrice,
          t.exitTime,
          t.exitPrice,
          t.size,
          t.fee,
          t.pnl,
        ].map((v, k) => (k === 2 || k === 4 ? new Date(v).toISOString() : String(v))),
      ),
    );
    const equity = await exported(alice, { taskId: inline.id, format: 'csv', part: 'equity' });
    const curve = await readCsv(equity.bytes);
    expect(curve[0]).toEqual(['time', 'equity']);
    expect(curve.slice(1)).toEqual(
      (run.equity ?? []).map(([t, v]) => [new Date(t).toISOString(), String(v)]),
    );
  });

  it("exports.backtest - a sweep's ranked table: rank, the grid's parameters, every metric", async () => {
    const ranked = (await resultOf(sweep)) as BacktestSweepResult;
    const { result, bytes } = await exported(alice, { taskId: sweep.id, format: 'xlsx' });
    expect(result.parts).toEqual([{ name: 'ranking', rows: ranked.top.length }]);
    const [sheet] = await readXlsxSheets(bytes);
    expect(sheet!.rows[0]!.slice(0, 4).map((c) => (c.t === 'text' ? c.v : c.t))).toEqual([
      'rank',
      'fast',
      'slow',
      'initialCapital',
    ]);
    expect(sheet!.rows.slice(1).map((r) => r.slice(0, 3))).toEqual(
      ranked.top.map((entry, i) => [
        number(i + 1),
        number(entry.params['fast']!),
        number(entry.params['slow']!),
      ]),
    );
    const totalReturn = sheet!.rows[0]!.findIndex((c) => c.t === 'text' && c.v === 'totalReturn');
    expect(sheet!.rows.slice(1).map((r) => r[totalReturn])).toEqual(
      ranked.top.map((entry) => number(entry.metrics.totalReturn)),
    );
  });

  it("exports.backtest - another user's backtest fails exactly as an id never used", async () => {
    const theirs = await failed(bob, { taskId: filed.id, format: 'csv' });
    const never = await failed(bob, { taskId: 'no-such-task', format: 'csv' });
    expect(theirs).toMatchObject({ code: 'TASK_NOT_FOUND', fields: [{ path: '/params/taskId' }] });
    expect({ ...never, message: never.message.replace('no-such-task', filed.id) }).toEqual(theirs);
    expect(theirs.message).toBe(`you have no task ${filed.id}`);
  });

  it('exports.backtest - an operator names the owner and exports their backtest', async () => {
    const admin = `admin${randomUUID().slice(0, 8)}`;
    const { state, result } = await exported(admin, {
      taskId: inline.id,
      owner: alice,
      format: 'xlsx',
      part: 'metrics',
    });
    expect(result.artifact.name).toBe(`exports/${admin}/${state.id}.xlsx`);
    expect(result.source.owner).toBe(alice);
    expect(result.parts.map((p) => p.name)).toEqual(['metrics']);
  });

  it('exports.backtest - not a backtest, not finished, failed, or a part it lacks: why, in words', async () => {
    const candles = await finished(alice, 'exports.candles', {
      symbol: SMALL.symbol,
      timeframe: SMALL.timeframe,
      format: 'csv',
    });
    expect(await failed(alice, { taskId: candles.id, format: 'csv' })).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: `task ${candles.id} is of type exports.candles; only a backtest.run or a backtest.sweep can be exported this way`,
    });
    // ETA an hour away: it stays PENDING for the whole test.
    const later = await submit(
      alice,
      'backtest.run',
      { symbol: SMALL.symbol, timeframe: SMALL.timeframe, strategy: { name: 'sma_cross' } },
      { notBefore: new Date(Date.now() + 3_600_000).toISOString() },
    );
    expect((await failed(alice, { taskId: later.id, format: 'xlsx' })).message).toBe(
      `backtest ${later.id} is PENDING; export it once it has finished`,
    );
    const broken = await finished(alice, 'backtest.run', {
      symbol: 'NOPEUSDT',
      timeframe: '1h',
      strategy: { name: 'sma_cross' },
    });
    expect(broken.status).toBe('FAILURE');
    expect((await failed(alice, { taskId: broken.id, format: 'csv' })).message).toBe(
      `backtest ${broken.id} ended FAILURE and has no result to export`,
    );
    expect(await failed(alice, { taskId: sweep.id, format: 'csv', part: 'trades' })).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'a backtest.sweep has the parts ranking, not trades',
      fields: [{ path: '/params/part' }],
    });
  });
});
