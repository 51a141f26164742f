import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { TASK_TYPES } from '@wadm/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  rawToken,
  send,
  startHarness,
  token,
  uniqueUser,
  type Harness,
  type Reply,
} from './harness.js';

let h: Harness;
let port: number;
let t: string;

beforeAll(async () => {
  h = await startHarness();
  // 64 KiB bodies in the test app (see the harness); no worker: tasks stay PENDING.
  ({ port } = await h.startApp());
  // An admin: the bad-input cases below submit diagnostics, which users may not.
  t = await token(uniqueUser(), true);
});
afterAll(() => h?.close());

function expectProblem(r: Reply, status: number, code: string): void {
  expect(r.status, r.text).toBe(status);
  expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(r.json).toMatchObject({
    status,
    code,
    title: expect.any(String),
    detail: expect.any(String),
  });
  expect(r.json.type).toMatch(/^\/docs#problem-/);
}

/** Sends a body in chunks without Content-Length (chunked), as streaming clients do. */
function sendChunked(path: string, chunks: Buffer[]): Promise<Reply> {
  // The server answers 413 and closes before the rest is written: a write error after the
  // answer is expected.
  let answered = false;
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        agent: false,
        headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
      },
      (res) => {
        answered = true;
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            json: JSON.parse(text),
          }),
        );
      },
    );
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('REST bad input', () => {
  it('malformed JSON - 400 MALFORMED_JSON', async () => {
    for (const body of ['{"type":', 'nope', '', '\xff\xfe', '{"a":1}{']) {
      const r = await send(port, 'POST', '/api/v1/tasks', {
        token: t,
        body,
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(r, 400, 'MALFORMED_JSON');
    }
  });

  it('deep JSON - 400 JSON_TOO_DEEP, not a stack overflow', async () => {
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const r = await send(port, 'POST', '/api/v1/tasks', {
      token: t,
      body: `{"type":"diagnostics.echo","params":{"payload":${deep}}}`,
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(r, 400, 'JSON_TOO_DEEP');
  });

  it('unknown type - 400 naming the known types', async () => {
    const r = await send(port, 'POST', '/api/v1/tasks', {
      token: t,
      body: { type: 'backtest.nope', params: {} },
    });
    expectProblem(r, 400, 'UNKNOWN_TASK_TYPE');
    expect(r.json.known_types).toEqual(TASK_TYPES);
    expect(r.json.detail).toContain('backtest.run');
  });

  it('invalid fields - 400 with every failing path', async () => {
    const r = await send(port, 'POST', '/api/v1/tasks', {
      token: t,
      body: {
        type: 'backtest.run',
        params: { symbol: 'btc', timeframe: '2h', strategy: { name: 'magic' }, extra: 1 },
        priority: 'urgent',
      },
    });
    expectProblem(r, 400, 'VALIDATION_FAILED');
    expect(r.json.errors.map((e: { path: string }) => e.path)).toEqual(['/priority']);
    const params = await send(port, 'POST', '/api/v1/tasks', {
      token: t,
      body: {
        type: 'backtest.run',
        params: { symbol: 'btc', timeframe: '2h', strategy: { name: 'magic' }, extra: 1 },
      },
    });
    expectProblem(params, 400, 'VALIDATION_FAILED');
    expect(params.json.errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining([
        '/params/symbol',
        '/params/timeframe',
        '/params/strategy/name',
        '/params/extra',
      ]),
    );
    for (const body of [[], 'text', 42, null, { params: {} }, { type: 'diagnostics.echo', x: 1 }]) {
      const r2 = await send(port, 'POST', '/api/v1/tasks', {
        token: t,
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(r2, 400, 'VALIDATION_FAILED');
    }
  });

  it('wrong content type - 415', async () => {
    const body = JSON.stringify({ type: 'diagnostics.echo' });
    for (const type of [
      undefined,
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=latin1',
    ]) {
      const r = await send(port, 'POST', '/api/v1/tasks', {
        token: t,
        body,
        headers: type ? { 'content-type': type } : {},
      });
      expectProblem(r, 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    const gz = await send(port, 'POST', '/api/v1/tasks', {
      token: t,
      body,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    expectProblem(gz, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const ok = await send(port, 'POST', '/api/v1/tasks', {
      token: t,
      body,
      headers: { 'content-type': 'application/merge-patch+json; charset=UTF-8' },
    });
    expect(ok.status).toBe(202);
  });

  it('body too large - 413, by Content-Length and by counting a chunked body', async () => {
    const big = JSON.stringify({
      type: 'diagnostics.echo',
      params: { payload: 'x'.repeat(70_000) },
    });
    const declared = await send(port, 'POST', '/api/v1/tasks', {
      token: t,
      body: big,
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(declared, 413, 'PAYLOAD_TOO_LARGE');
    const chunks = Array.from({ length: 20 }, () => Buffer.alloc(8_192, 0x20));
    const streamed = await sendChunked('/api/v1/tasks', chunks);
    expectProblem(streamed, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('half a body - a client that goes away mid-body leaves the server serving', async () => {
    await new Promise<void>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.write(
          `POST /api/v1/tasks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"type":',
          () => setTimeout(() => socket.destroy(), 50),
        );
      });
      socket.on('close', () => resolve());
      socket.on('error', () => undefined);
    });
    expect((await send(port, 'GET', '/healthz')).status).toBe(200);
  });

  it('unknown route - 404 problem; 401 first under /api without a token', async () => {
    expectProblem(await send(port, 'GET', '/nowhere'), 404, 'NOT_FOUND');
    expectProblem(await send(port, 'GET', '/api/v2/tasks', { token: t }), 404, 'NOT_FOUND');
    expectProblem(await send(port, 'GET', '/api/v2/tasks'), 401, 'UNAUTHORIZED');
    expectProblem(
      await send(port, 'GET', '/api/v1/tasks/not-a-task', { token: t }),
      404,
      'TASK_NOT_FOUND',
    );
    expectProblem(
      await send(port, 'GET', '/api/v1/tasks/bad%20id!', { token: t }),
      404,
      'TASK_NOT_FOUND',
    );
  });

  it('wrong method - 405 with Allow', async () => {
    const r = await send(port, 'PUT', '/api/v1/tasks/abc', { token: t, body: {} });
    expectProblem(r, 405, 'METHOD_NOT_ALLOWED');
    expect(String(r.headers['allow'])).toContain('DELETE');
    const head = await send(port, 'PATCH', '/healthz');
    expectProblem(head, 405, 'METHOD_NOT_ALLOWED');
    const webdav = await send(port, 'PROPFIND', '/api/v1/tasks', { token: t });
    expectProblem(webdav, 405, 'METHOD_NOT_ALLOWED');
  });

  it('auth - 401 for a missing, malformed, forged or expired token', async () => {
    const path = '/api/v1/tasks';
    const missing = await send(port, 'GET', path);
    expectProblem(missing, 401, 'UNAUTHORIZED');
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="wadm"');
    const basic = await send(port, 'GET', path, { headers: { authorization: 'Basic YTpi' } });
    expectProblem(basic, 401, 'UNAUTHORIZED');
    const garbage = await send(port, 'GET', path, { token: 'abc.def.ghi' });
    expectProblem(garbage, 401, 'UNAUTHORIZED');
    expect(garbage.headers['www-authenticate']).toContain('invalid_token');
    const now = Math.floor(Date.now() / 1000);
    const forged = rawToken({ sub: 'mallory', roles: ['admin'], exp: now + 3600 }, 'x'.repeat(40));
    expectProblem(await send(port, 'GET', path, { token: forged }), 401, 'UNAUTHORIZED');
    const expired = rawToken({ sub: 'alice', iat: now - 7200, exp: now - 3600 });
    const r = await send(port, 'GET', path, { token: expired });
    expectProblem(r, 401, 'UNAUTHORIZED');
    expect(r.json.detail).toContain('expired');
    const badSub = rawToken({ sub: 'alice.bob', exp: now + 3600 });
    expectProblem(await send(port, 'GET', path, { token: badSub }), 401, 'UNAUTHORIZED');
  });

  it('params too large for one NATS message - 413, not a 500', async () => {
    // The body limit of this app is above NATS's default 1 MiB message.
    const big = await h.startApp({ WADM_MAX_BODY_BYTES: String(4 * 1024 * 1024) });
    const body = JSON.stringify({
      type: 'diagnostics.echo',
      params: { payload: 'x'.repeat(1_100_000) },
    });
    const r = await send(big.port, 'POST', '/api/v1/tasks', {
      token: t,
      body,
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(r, 413, 'PAYLOAD_TOO_LARGE');
  });
});

describe('REST quota', () => {
  it('quota - 429 with Retry-After past the pending quota, accepted again once tasks finish', async () => {
    const small = await h.startApp({ WADM_PENDING_QUOTA: '2' });
    const user = await token(uniqueUser('quota'));
    const submit = (key?: string) =>
      send(small.port, 'POST', '/api/v1/tasks', {
        token: user,
        body: { type: 'reports.daily', params: { symbols: ['BTCUSDT'] } },
        headers: key ? { 'idempotency-key': key } : {},
      });
    const first = await submit('q-1');
    const second = await submit();
    expect([first.status, second.status]).toEqual([202, 202]);
    const third = await submit();
    expectProblem(third, 429, 'QUOTA_EXCEEDED');
    expect(third.headers['retry-after']).toBe('1');
    // Bad params stay a 400 at the quota: waiting would not fix them.
    const invalid = await send(small.port, 'POST', '/api/v1/tasks', {
      token: user,
      body: { type: 'reports.daily', params: { symbols: [] } },
    });
    expectProblem(invalid, 400, 'VALIDATION_FAILED');
    // A repeated key at the quota still finds its task.
    const replay = await submit('q-1');
    expect(replay.status).toBe(202);
    expect(replay.json.task_id).toBe(first.json.task_id);
    // Bulk: every item past the quota is refused on its own.
    const bulk = await send(small.port, 'POST', '/api/v1/tasks/bulk', {
      token: user,
      body: {
        tasks: [{ type: 'reports.daily', params: { symbols: ['BTCUSDT'] } }, { type: 'nope' }],
      },
    });
    expect(bulk.json.results.map((r: { status: number }) => r.status)).toEqual([429, 400]);

    await send(small.port, 'DELETE', `/api/v1/tasks/${first.json.task_id}`, { token: user });
    await expect.poll(async () => (await submit()).status, { timeout: 10_000 }).toBe(202);
  });

  it('quota - counts the unfinished tasks an owner had before this gateway started', async () => {
    const owner = uniqueUser('before');
    for (let i = 0; i < 2; i++) {
      await h.client.submit({ type: 'reports.daily', params: { symbols: ['ETHUSDT'] }, owner });
    }
    const fresh = await h.startApp({ WADM_PENDING_QUOTA: '2' });
    const r = await send(fresh.port, 'POST', '/api/v1/tasks', {
      token: await token(owner),
      body: { type: 'reports.daily', params: { symbols: ['BTCUSDT'] } },
    });
    expectProblem(r, 429, 'QUOTA_EXCEEDED');
    expect(r.json.detail).toContain('2 unfinished tasks');
  });
});

describe('REST health', () => {
  it('healthz and readyz - answer without a token', async () => {
    const health = await send(port, 'GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.json).toEqual({ status: 'ok' });
    const ready = await send(port, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json).toEqual({ status: 'ready' });
  });
});
