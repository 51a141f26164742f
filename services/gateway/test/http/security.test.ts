import { UsageLedger } from '@wadm/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  rawToken,
  send,
  startHarness,
  systemToken,
  token,
  uniqueUser,
  USER_TASK,
  type Harness,
} from './harness.js';

let h: Harness;
let port: number;
let user: string;
let admin: string;
let system: string;

beforeAll(async () => {
  h = await startHarness();
  ({ port } = await h.startApp());
  [user, admin, system] = await Promise.all([
    token(uniqueUser('mallory')),
    token(uniqueUser('root'), true),
    systemToken(uniqueUser('sched')),
  ]);
});
afterAll(() => h?.close());

// Nothing in these tests should run: no worker is started, and every task waits an hour.
const later = () => new Date(Date.now() + 3_600_000).toISOString();
const submit = (tok: string, type: string, params: unknown, headers?: Record<string, string>) =>
  send(port, 'POST', '/api/v1/tasks', {
    token: tok,
    body: { type, params, notBefore: later() },
    ...(headers ? { headers } : {}),
  });

/** Spellings of API paths that a router or a proxy might read as the real ones. */
const SPELLINGS = [
  '/API/v1/market-data',
  '/Api/v1/tasks',
  '/api/V1/tasks',
  '/API/v1/dlq',
  '//api/v1/tasks',
  '/api//v1/tasks',
  '/api/v1//tasks',
  '/api/v1/tasks/',
  '/api/v1/market-data/',
  '/%61pi/v1/market-data',
  '/%41PI/v1/tasks',
  '/api%2Fv1%2Ftasks',
  '/api/v1%2Fmarket-data',
  '/api/v1/./tasks',
  '/x/../api/v1/tasks',
  '/api/v1/tasks/%2e%2e/dlq',
  '/api',
  '/API',
  '/%E0%A4%A',
];

describe('security - paths', () => {
  it('path spellings - without a token every spelling of /api is a 401, never a handler', async () => {
    for (const path of SPELLINGS) {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const res = await send(port, method, path);
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.json.code).toBe('UNAUTHORIZED');
      }
    }
  });

  it('path spellings - with a token no spelling answers 5xx, and odd ones reach no route', async () => {
    for (const path of SPELLINGS) {
      for (const method of ['GET', 'POST', 'DELETE']) {
        const res = await send(port, method, path, { token: user });
        expect(res.status, `${method} ${path} → ${res.text.slice(0, 200)}`).toBeLessThan(500);
        expect(res.headers['content-type']).toMatch(/^application\/(problem\+)?json/);
      }
    }
    // The router is case-sensitive: an upper-case spelling is not the market-data route.
    const upper = await send(port, 'GET', '/API/v1/market-data', { token: user });
    expect(upper.status).toBe(404);
    const real = await send(port, 'GET', '/api/v1/market-data', { token: user });
    expect(real.status).toBe(200);
  });

  it('path spellings - public routes answer only to their own spelling', async () => {
    expect((await send(port, 'GET', '/healthz')).status).toBe(200);
    expect((await send(port, 'GET', '/HEALTHZ')).status).toBe(404);
  });
});

describe('security - who may run what', () => {
  // notify.* are open to users, to their own destinations only: notify-destinations.test.ts.
  it('roles - a user may not submit diagnostics, maintenance or alerts types', async () => {
    const refused = [
      ['diagnostics.echo', { payload: 1 }],
      ['maintenance.cleanup', { olderThanDays: 1, dryRun: false }],
      ['maintenance.exchange_health', { exchanges: ['binance'] }],
      ['alerts.evaluate', {}],
    ] as const;
    for (const [type, params] of refused) {
      const res = await submit(user, type, params);
      expect(res.status, type).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json.code).toBe('FORBIDDEN');
      expect(res.json.errors).toEqual([{ path: '/type', message: expect.stringContaining(type) }]);
    }
    // A type's refusal comes before its params are looked at.
    const noParams = await submit(user, 'maintenance.cleanup', { bogus: true });
    expect(noParams.status).toBe(403);
  });

  it('roles - users keep the types that are theirs', async () => {
    const res = await submit(user, 'exports.candles', {
      symbol: 'BTCUSDT',
      timeframe: '1h',
      format: 'csv',
    });
    expect(res.status).toBe(202);
  });

  it('operator params - refused for an admin and a user, named by field; allowed for the system', async () => {
    const cases = [
      [{ crash: true }, '/params/crash'],
      [{ sleepMs: 600_000 }, '/params/sleepMs'],
      [{ resultBytes: 16_000_000 }, '/params/resultBytes'],
    ] as const;
    for (const [params, path] of cases) {
      const res = await submit(admin, 'diagnostics.echo', params);
      expect(res.status, path).toBe(403);
      expect(res.json.errors[0].path).toBe(path);
      expect((await submit(system, 'diagnostics.echo', params)).status, path).toBe(202);
    }
    expect((await submit(admin, 'diagnostics.echo', { sleepMs: 60_000 })).status).toBe(202);
    const mail = await submit(user, 'reports.daily', {
      symbols: ['BTCUSDT'],
      emailTo: ['anyone@example.com'],
    });
    expect(mail.status).toBe(403);
    expect(mail.json.errors[0].path).toBe('/params/emailTo');
    expect((await submit(user, 'reports.daily', { symbols: ['BTCUSDT'] })).status).toBe(202);
  });

  it('roles - a bulk submission refuses item by item, and bad params stay a 400', async () => {
    const res = await send(port, 'POST', '/api/v1/tasks/bulk', {
      token: user,
      body: {
        tasks: [
          { type: 'diagnostics.echo', params: {} },
          { type: 'backtest.run', params: { symbol: 'x' }, notBefore: later() },
          {
            type: 'analysis.history',
            params: { symbol: 'BTCUSDT', timeframe: '1h' },
            notBefore: later(),
          },
        ],
      },
    });
    expect(res.status).toBe(207);
    expect(res.json.results.map((r: { status: number }) => r.status)).toEqual([403, 400, 202]);
  });
});

describe('security - amplification', () => {
  it('unknown keys - at most 20 field errors, counted beyond, in a small body', async () => {
    const params: Record<string, number> = { payload: 1 };
    for (let i = 0; i < 30; i++) params[`junk${i}`] = i;
    const res = await submit(admin, 'diagnostics.echo', params);
    expect(res.status).toBe(400);
    expect(res.json.errors).toHaveLength(20);
    expect(res.json.errors_omitted).toBe(10);
    expect(res.json.detail).toContain('10 more');
  });

  it('huge bodies - a flood of keys answers a small problem and /healthz keeps answering', async () => {
    const { port: big } = await h.startApp({ WADM_MAX_BODY_BYTES: '1048576' });
    // Short keys, like the review's 996 KB body of 125,000 keys: under the size limit.
    const flood = (keys: number): string => {
      const body: Record<string, unknown> = { type: 'diagnostics.echo' };
      for (let i = 0; i < keys; i++) body[i.toString(36)] = 0;
      return JSON.stringify(body);
    };
    const headers = { 'content-type': 'application/json' };
    const many = flood(115_000);
    expect(many.length).toBeLessThan(1_048_576);
    const under = flood(20_000);
    const replies = await Promise.all([
      ...[1, 2, 3, 4].map(() =>
        send(big, 'POST', '/api/v1/tasks', { token: admin, body: many, headers }),
      ),
      send(big, 'POST', '/api/v1/tasks', { token: admin, body: under, headers }),
      send(big, 'GET', '/healthz'),
    ]);
    const health = replies.pop();
    expect(health?.status).toBe(200);
    const underLimit = replies.pop();
    for (const r of replies) {
      expect(r.status).toBe(413);
      expect(r.json.detail).toContain('object members');
      expect(r.text.length).toBeLessThan(1_000);
    }
    expect(underLimit?.status).toBe(400);
    expect(underLimit?.text.length).toBeLessThan(2_000);
  });
});

describe('security - idempotency and times', () => {
  const exportParams = { symbol: 'BTCUSDT', timeframe: '1h', format: 'csv' };

  it('idempotency - the same key with other params or type is a 422, with the same params a replay', async () => {
    const key = { 'idempotency-key': `k-${uniqueUser()}` };
    const first = await submit(user, 'exports.candles', exportParams, key);
    expect(first.status).toBe(202);
    // Key order does not make another request.
    const reordered = { format: 'csv', timeframe: '1h', symbol: 'BTCUSDT' };
    const again = await submit(user, 'exports.candles', reordered, key);
    expect(again.status).toBe(202);
    expect(again.json.task_id).toBe(first.json.task_id);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const other = await submit(user, 'exports.candles', { ...exportParams, format: 'xlsx' }, key);
    expect(other.status).toBe(422);
    expect(other.json.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(other.json.detail).toContain(first.json.task_id);
    const otherType = await submit(
      user,
      'analysis.history',
      { symbol: 'BTCUSDT', timeframe: '1h' },
      key,
    );
    expect(otherType.status).toBe(422);
  });

  it('notBefore - the shortcut query is checked like the body field', async () => {
    for (const bad of [
      '2026-02-30T00:00:00Z',
      'Dec 25 2026',
      '2026-12-25',
      '+275760-09-13T00:00:00Z',
    ]) {
      const res = await send(
        port,
        'POST',
        `/api/v1/tasks/export?notBefore=${encodeURIComponent(bad)}`,
        {
          token: user,
          body: exportParams,
        },
      );
      expect(res.status, bad).toBe(400);
      expect(res.json.errors[0].path).toBe('/query/notBefore');
      const body = await send(port, 'POST', '/api/v1/tasks', {
        token: user,
        body: { type: 'exports.candles', params: exportParams, notBefore: bad },
      });
      expect(body.status, bad).toBe(400);
    }
    const ok = await send(
      port,
      'POST',
      `/api/v1/tasks/export?notBefore=${encodeURIComponent(later())}`,
      {
        token: user,
        body: exportParams,
      },
    );
    expect(ok.status).toBe(202);
  });
});

describe('security - storage quota', () => {
  it('storage quota - a user whose artifacts reached the quota gets 429; others do not', async () => {
    const { port: small } = await h.startApp({ WADM_STORAGE_QUOTA_BYTES: '1000' });
    const full = uniqueUser('full');
    const ledger = await UsageLedger.open(h.nc);
    await ledger.charge(full, 1_000, 1_000);
    const res = await send(small, 'POST', '/api/v1/tasks', {
      token: await token(full),
      body: { ...USER_TASK, notBefore: later() },
    });
    expect(res.status).toBe(429);
    expect(res.json.code).toBe('STORAGE_QUOTA_EXCEEDED');
    expect(res.headers['retry-after']).toEqual(expect.any(String));
    const other = await send(small, 'POST', '/api/v1/tasks', {
      token: user,
      body: { ...USER_TASK, notBefore: later() },
    });
    expect(other.status).toBe(202);
  });
});

describe('security - tokens', () => {
  it('token lifetime - no exp, or a lifetime over the maximum, is a 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases = [
      rawToken({ sub: uniqueUser() }),
      rawToken({ sub: uniqueUser(), iat: now, exp: now + 25 * 3600 }),
      rawToken({ sub: uniqueUser(), iat: now + 60, exp: now + 3600 }),
      rawToken({ sub: uniqueUser(), nbf: now + 60, exp: now + 3600 }),
    ];
    for (const t of cases) {
      const res = await send(port, 'GET', '/api/v1/tasks', { token: t });
      expect(res.status).toBe(401);
    }
    const fine = rawToken({ sub: uniqueUser(), iat: now, exp: now + 3600 });
    expect((await send(port, 'GET', '/api/v1/tasks', { token: fine })).status).toBe(200);
  });
});
