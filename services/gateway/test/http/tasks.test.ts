import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from './harness.js';
import { send, startHarness, token, uniqueUser, USER_TASK, type Harness } from './harness.js';

let h: Harness;
let port: number;

beforeAll(async () => {
  h = await startHarness();
  await h.startWorker({ WADM_CONCURRENCY: '8' });
  ({ port } = await h.startApp());
});
afterAll(() => h?.close());

/** Most tests here run diagnostics, which only admins (and the system) may submit. */
async function as(user: string, admin = true) {
  const t = await token(user, admin);
  return {
    req: (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
      send(port, method, path, { token: t, body, headers }),
  };
}

/** Polls a task until `done` says so; the worker runs at its own pace. */
async function waitTask(
  req: (m: string, p: string) => Promise<Reply>,
  id: string,
  done = (s: string) => ['SUCCESS', 'FAILURE', 'REVOKED'].includes(s),
): Promise<Reply> {
  let last: Reply | undefined;
  await expect
    .poll(
      async () => {
        last = await req('GET', `/api/v1/tasks/${id}`);
        return done(last.json?.status);
      },
      { timeout: 30_000, interval: 50 },
    )
    .toBe(true);
  return last as Reply;
}

describe('REST tasks', () => {
  it('submit - runs an echo task to SUCCESS and serves its result', async () => {
    const { req } = await as(uniqueUser());
    const submitted = await req('POST', '/api/v1/tasks', {
      type: 'diagnostics.echo',
      params: { payload: { hello: 'world' } },
      priority: 'high',
    });
    expect(submitted.status).toBe(202);
    expect(submitted.json).toMatchObject({ status: 'PENDING', duplicate: false });
    const id = submitted.json.task_id as string;
    expect(submitted.headers['location']).toBe(`/api/v1/tasks/${id}`);
    expect(submitted.json.links.result).toBe(`/api/v1/tasks/${id}/result`);

    const done = await waitTask(req, id);
    expect(done.json).toMatchObject({
      task_id: id,
      type: 'diagnostics.echo',
      status: 'SUCCESS',
      priority: 'high',
      attempts: 1,
      progress: 1,
    });
    expect(done.json.result.payload).toEqual({ hello: 'world' });

    const result = await req('GET', `/api/v1/tasks/${id}/result`);
    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toMatch(/^application\/json/);
    expect(result.json.payload).toEqual({ hello: 'world' });
  });

  it('result - is a 409 problem while the task is not finished', async () => {
    const { req } = await as(uniqueUser());
    const { json } = await req('POST', '/api/v1/tasks', {
      type: 'diagnostics.echo',
      params: { sleepMs: 60_000 },
    });
    const early = await req('GET', `/api/v1/tasks/${json.task_id}/result`);
    expect(early.status).toBe(409);
    expect(early.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(early.json).toMatchObject({ code: 'TASK_NOT_FINISHED', status: 409 });
    await req('DELETE', `/api/v1/tasks/${json.task_id}`);
  });

  it('result - streams a large result from the object store with its file name', async () => {
    const { req } = await as(uniqueUser());
    const { json } = await req('POST', '/api/v1/tasks', {
      type: 'diagnostics.echo',
      params: { payload: 'big', resultBytes: 300_000 },
    });
    const done = await waitTask(req, json.task_id);
    expect(done.json.status).toBe('SUCCESS');
    expect(done.json.result).toBeUndefined();
    expect(done.json.artifact).toMatchObject({ content_type: 'application/json' });

    const result = await req('GET', `/api/v1/tasks/${json.task_id}/result`);
    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toMatch(/^application\/json/);
    expect(result.headers['content-disposition']).toContain(`filename="${json.task_id}.json"`);
    expect(Number(result.headers['content-length'])).toBe(done.json.artifact.size);
    expect(result.json.payload).toBe('big');
    expect(result.json.padding).toHaveLength(300_000);
  });

  it('result - a failed task has no result: 409 with its error', async () => {
    const { req } = await as(uniqueUser());
    const { json } = await req('POST', '/api/v1/tasks', {
      type: 'diagnostics.echo',
      params: { failTimes: 1, nonRetryable: true },
    });
    const done = await waitTask(req, json.task_id);
    expect(done.json.status).toBe('FAILURE');
    expect(done.json.error.code).toBeTruthy();
    const result = await req('GET', `/api/v1/tasks/${json.task_id}/result`);
    expect(result.status).toBe(409);
    expect(result.json).toMatchObject({ code: 'TASK_HAS_NO_RESULT', task_status: 'FAILURE' });
  });

  it('shortcuts - map to their task types and take the params as the body', async () => {
    const { req } = await as(uniqueUser());
    const params = {
      symbol: 'BTCUSDT',
      timeframe: '1h',
      strategy: { name: 'sma_cross', params: { fast: 5, slow: 20 } },
    };
    const accepted = await req('POST', '/api/v1/tasks/backtest?priority=low', params);
    expect(accepted.status).toBe(202);
    const task = await req('GET', `/api/v1/tasks/${accepted.json.task_id}`);
    expect(task.json).toMatchObject({ type: 'backtest.run', priority: 'low', queue: 'backtest' });
    // Defaults were filled in by validation.
    expect(task.json.params).toMatchObject({ ...params, initialCapital: 10_000 });

    const invalid = await req('POST', '/api/v1/tasks/export', { symbol: 'nope' });
    expect(invalid.status).toBe(400);
    expect(invalid.json.code).toBe('VALIDATION_FAILED');
    expect(invalid.json.errors.map((e: { path: string }) => e.path)).toContain('/params/symbol');
    await req('DELETE', `/api/v1/tasks/${accepted.json.task_id}`);
  });

  it('idempotency - the same key from the same user returns the same task', async () => {
    const alice = await as(uniqueUser('alice'));
    const bob = await as(uniqueUser('bob'));
    const body = { type: 'diagnostics.echo', params: { payload: 1 } };
    const key = { 'idempotency-key': 'order-42' };
    const first = await alice.req('POST', '/api/v1/tasks', body, key);
    const again = await alice.req('POST', '/api/v1/tasks', body, key);
    const other = await bob.req('POST', '/api/v1/tasks', body, key);
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.json.task_id).toBe(first.json.task_id);
    expect(again.json.duplicate).toBe(true);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(other.json.task_id).not.toBe(first.json.task_id);

    const bad = await alice.req('POST', '/api/v1/tasks', body, { 'idempotency-key': 'a b' });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].path).toBe('/headers/idempotency-key');
  });

  it('cancel - revokes a pending task, then 409 because it is terminal', async () => {
    const { req } = await as(uniqueUser());
    const { json } = await req('POST', '/api/v1/tasks', {
      type: 'diagnostics.echo',
      params: {},
      notBefore: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const cancelled = await req('DELETE', `/api/v1/tasks/${json.task_id}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.json).toMatchObject({ status: 'REVOKED', outcome: 'revoked' });
    const again = await req('DELETE', `/api/v1/tasks/${json.task_id}`);
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('TASK_ALREADY_TERMINAL');
  });

  it('retry - submits a finished task again as a new task; an unfinished one is a 409', async () => {
    const { req } = await as(uniqueUser());
    const { json } = await req('POST', '/api/v1/tasks', {
      type: 'diagnostics.echo',
      params: { payload: 'again', failTimes: 1, nonRetryable: true },
    });
    await waitTask(req, json.task_id);
    const retried = await req('POST', `/api/v1/tasks/${json.task_id}/retry`);
    expect(retried.status).toBe(202);
    expect(retried.json.task_id).not.toBe(json.task_id);
    const copy = await req('GET', `/api/v1/tasks/${retried.json.task_id}`);
    expect(copy.json).toMatchObject({ retry_of: json.task_id, type: 'diagnostics.echo' });
    expect(copy.json.params).toMatchObject({ payload: 'again' });

    const pending = await req('POST', '/api/v1/tasks', {
      type: 'reports.daily',
      params: { date: '2024-01-02', symbols: ['BTCUSDT'] },
    });
    expect(pending.status, pending.text).toBe(202);
    const early = await req('POST', `/api/v1/tasks/${pending.json.task_id}/retry`);
    expect(early.status).toBe(409);
    expect(early.json.code).toBe('TASK_NOT_FINISHED');
    await req('DELETE', `/api/v1/tasks/${pending.json.task_id}`);
  });

  it('list - pages the caller tasks with filters and a cursor', async () => {
    // Not an admin, who would list everyone's tasks: the system submits on the user's behalf.
    const user = uniqueUser();
    const { req } = await as(user, false);
    for (let i = 0; i < 5; i++) {
      const { state } = await h.client.submit({
        type: 'diagnostics.echo',
        owner: user,
        params: { payload: i },
      });
      // Finished first: the status filters below then see settled states.
      await waitTask(req, state.id);
    }
    const first = await req('GET', '/api/v1/tasks?limit=3&type=diagnostics.echo');
    expect(first.status).toBe(200);
    expect(first.json.tasks).toHaveLength(3);
    expect(first.json.next_cursor).toEqual(expect.any(String));
    const second = await req(
      'GET',
      `/api/v1/tasks/?limit=3&cursor=${encodeURIComponent(first.json.next_cursor)}`,
    );
    expect(second.json.tasks).toHaveLength(2);
    expect(second.json.next_cursor).toBeNull();
    const ids = [...first.json.tasks, ...second.json.tasks].map((t) => t.task_id);
    expect(new Set(ids).size).toBe(5);

    const none = await req('GET', '/api/v1/tasks?status=REVOKED');
    expect(none.json.tasks).toEqual([]);
    const future = await req(
      'GET',
      `/api/v1/tasks?since=${new Date(Date.now() + 60_000).toISOString()}`,
    );
    expect(future.json.tasks).toEqual([]);
    for (const bad of [
      'status=DONE',
      'limit=0',
      'limit=x',
      'since=yesterday',
      'cursor=%%',
      'limit=1&limit=2',
    ]) {
      const r = await req('GET', `/api/v1/tasks?${bad}`);
      expect(r.status, bad).toBe(400);
      expect(r.json.code, bad).toBe('VALIDATION_FAILED');
    }
  });
});

describe('REST bulk', () => {
  it('bulk - accepts the valid items and reports each refused one', async () => {
    const { req } = await as(uniqueUser());
    const res = await req('POST', '/api/v1/tasks/bulk', {
      tasks: [
        { type: 'diagnostics.echo', params: { payload: 'a' } },
        { type: 'no.such.type', params: {} },
        { type: 'diagnostics.echo', params: { sleepMs: -1 } },
        'not an object',
        { type: 'diagnostics.echo', params: { payload: 'b' }, priority: 'low' },
      ],
    });
    expect(res.status).toBe(207);
    expect(res.json).toMatchObject({ accepted: 2, rejected: 3 });
    const statuses = res.json.results.map((r: { status: number }) => r.status);
    expect(statuses).toEqual([202, 400, 400, 400, 202]);
    expect(res.json.results[1].error.code).toBe('UNKNOWN_TASK_TYPE');
    expect(res.json.results[2].error.errors[0].path).toBe('/params/sleepMs');
    for (const i of [0, 4]) {
      const done = await waitTask(req, res.json.results[i].task_id);
      expect(done.json.status).toBe('SUCCESS');
    }
  });

  it('bulk - a repeated request with the same Idempotency-Key submits nothing new', async () => {
    const { req } = await as(uniqueUser());
    const body = { tasks: [{ type: 'diagnostics.echo' }, { type: 'diagnostics.echo' }] };
    const key = { 'idempotency-key': 'batch-1' };
    const first = await req('POST', '/api/v1/tasks/bulk', body, key);
    const again = await req('POST', '/api/v1/tasks/bulk', body, key);
    expect(first.status).toBe(202);
    expect(again.json.results.map((r: { task_id: string }) => r.task_id)).toEqual(
      first.json.results.map((r: { task_id: string }) => r.task_id),
    );
    expect(again.json.results.every((r: { duplicate: boolean }) => r.duplicate)).toBe(true);
  });

  it('bulk - refuses more than 1000 items and empty lists as a whole', async () => {
    const { req } = await as(uniqueUser());
    const many = await req('POST', '/api/v1/tasks/bulk', {
      tasks: Array.from({ length: 1001 }, () => ({ type: 'diagnostics.echo' })),
    });
    // Over the test app's 64 KiB body limit or over 1000 items: refused whole either way.
    expect([400, 413]).toContain(many.status);
    const empty = await req('POST', '/api/v1/tasks/bulk', { tasks: [] });
    expect(empty.status).toBe(400);
    expect(empty.json.errors[0].path).toBe('/tasks');
  });

  it('bulk cancel - cancels what it can and reports the rest', async () => {
    const alice = await as(uniqueUser('alice'), false);
    const bob = await as(uniqueUser('bob'), false);
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const mine = await alice.req('POST', '/api/v1/tasks', { ...USER_TASK, notBefore: later });
    const theirs = await bob.req('POST', '/api/v1/tasks', { ...USER_TASK, notBefore: later });
    const res = await alice.req('POST', '/api/v1/tasks/bulk/cancel', {
      task_ids: [mine.json.task_id, theirs.json.task_id, 'bad id!', mine.json.task_id],
    });
    expect(res.status).toBe(207);
    expect(res.json.results.map((r: { status: number }) => r.status)).toEqual([200, 404, 404, 409]);
    expect(res.json).toMatchObject({ cancelled: 1, rejected: 3 });
    const still = await bob.req('GET', `/api/v1/tasks/${theirs.json.task_id}`);
    expect(still.json.status).toBe('PENDING');
    await bob.req('DELETE', `/api/v1/tasks/${theirs.json.task_id}`);
  });
});
