import { randomUUID } from 'node:crypto';
import {
  TASK_CATALOG,
  validate,
  type TaskHistoryExportResult,
  type TaskState,
} from '@wadm/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drain, readCsv, readXlsx } from './read-back.js';
import { startService, type ServiceHarness } from './harness.js';

/** Error messages a spreadsheet would run as formulas if they were written as they are. */
const HOSTILE = ['=HYPERLINK("http://evil","x")', '@SUM(A1)', '+1+1', '-2', 'plain, "quoted"'];
const HEADER = [
  'id',
  'owner',
  'type',
  'status',
  'priority',
  'created',
  'started',
  'finished',
  'attempts',
  'progress',
  'error code',
  'error',
  'retry of',
];

describe('exports service - exports.tasks', () => {
  let h: ServiceHarness;
  const carol = `carol${randomUUID().slice(0, 8)}`;
  const dave = `dave${randomUUID().slice(0, 8)}`;
  /** Carol's tasks as the task list gives them: newest first. */
  let history: TaskState[];

  const exportTasks = async (owner: string, params: Record<string, unknown>) => {
    const task = (await h.client.submit({ type: 'exports.tasks', params, owner })).state;
    const state = await h.finished(task);
    return { task, state };
  };
  const exported = async (owner: string, params: Record<string, unknown>) => {
    const { state } = await exportTasks(owner, params);
    expect(state.status, JSON.stringify(state.error)).toBe('SUCCESS');
    const result = state.result as TaskHistoryExportResult;
    expect(validate(TASK_CATALOG['exports.tasks'].result, result)).toEqual([]);
    const bytes = await drain((await h.artifacts.os.get(result.artifact.name))!.data);
    return { state, result, bytes };
  };

  beforeAll(async () => {
    h = await startService();
    // No reports service runs here: these stay PENDING until the test fails some of them.
    for (const [i, message] of HOSTILE.entries()) {
      const { state } = await h.client.submit({
        type: 'reports.daily',
        params: { symbols: ['BTCUSDT'] },
        owner: carol,
      });
      if (i % 2 === 0) continue;
      await h.client.store.mutate(carol, state.id, (cur) =>
        cur
          ? {
              ...cur,
              status: 'FAILURE',
              error: { code: 'TASK_FAILED', message, retryable: false },
              finishedAt: new Date().toISOString(),
              seq: cur.seq + 1,
            }
          : null,
      );
    }
    await h.client.submit({ type: 'reports.daily', params: { symbols: ['ETHUSDT'] }, owner: dave });
    history = (await h.client.list(carol, { limit: 1000 })).tasks;
    expect(history.length).toBe(HOSTILE.length);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('exports.tasks - CSV: the task list, newest first, formulas neutralised', async () => {
    const { result, bytes } = await exported(carol, { format: 'csv' });
    // The export's own task is in the history it reads: it was running when it was read.
    const rows = await readCsv(bytes);
    expect(rows[0]).toEqual(HEADER);
    const listed = rows.slice(1).filter((r) => r[2] !== 'exports.tasks');
    expect(result.rows).toBe(rows.length - 1);
    expect(listed.map((r) => r[0])).toEqual(history.map((t) => t.id));
    for (const [i, task] of history.entries()) {
      expect(listed[i]).toEqual([
        task.id,
        carol,
        'reports.daily',
        task.status,
        'normal',
        task.createdAt,
        '',
        task.finishedAt ?? '',
        '0',
        '0',
        task.error?.code ?? '',
        task.error
          ? /^[=+\-@]/.test(task.error.message)
            ? `'${task.error.message}`
            : task.error.message
          : '',
        '',
      ]);
    }
  });

  it('exports.tasks - XLSX with filters: FAILURE only, text never a formula, times as dates', async () => {
    const failures = history.filter((t) => t.status === 'FAILURE');
    const { result, bytes } = await exported(carol, { format: 'xlsx', status: ['FAILURE'] });
    expect(result.rows).toBe(failures.length);
    const book = await readXlsx(bytes);
    expect(book.sheet).toBe('tasks');
    expect(book.hasFormula).toBe(false);
    expect(book.rows.slice(1).map((r) => r[11])).toEqual(
      failures.map((t) => ({ t: 'text', v: t.error!.message, dataType: 's' })),
    );
    expect(book.rows.slice(1).map((r) => [r[5], r[6]])).toEqual(
      failures.map((t) => [
        { t: 'date', v: t.createdAt.replace('Z', '+00:00'), fmt: 'yyyy-mm-dd hh:mm:ss "UTC"' },
        { t: 'empty' },
      ]),
    );
    const newest = await exported(carol, { format: 'csv', type: 'reports.daily', limit: 2 });
    expect((await readCsv(newest.bytes)).slice(1).map((r) => r[0])).toEqual(
      history.slice(0, 2).map((t) => t.id),
    );
  });

  it("exports.tasks - an operator exports another user's history; nothing matching fails in words", async () => {
    const { bytes } = await exported(carol, { format: 'csv', owner: dave });
    const rows = await readCsv(bytes);
    expect(rows.slice(1).map((r) => [r[1], r[2]])).toEqual([[dave, 'reports.daily']]);
    const { state } = await exportTasks(carol, {
      format: 'csv',
      status: ['REVOKED'],
      since: '2024-01-01T00:00:00Z',
    });
    expect(state.status).toBe('FAILURE');
    expect(state.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      retryable: false,
      message:
        'nothing to export: you have no task with status REVOKED, created since 2024-01-01T00:00:00Z',
    });
  });
});
