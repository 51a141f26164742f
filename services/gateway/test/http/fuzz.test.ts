import { createHmac } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import fc from 'fast-check';
import { PRIORITIES, TASK_STATUSES, TASK_TYPES } from '@wadm/contracts';
import { NatsServer, type ManagedProcess } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawToken, SECRET, send, startGatewayProcess, token, uniqueUser } from './harness.js';

let nats: NatsServer;
let gateway: ManagedProcess;
let port: number;
let tokens: string[];
const ids: string[] = [];

beforeAll(async () => {
  nats = await NatsServer.start();
  // A small body limit so that "too large" is reachable by generated bodies too.
  ({ process: gateway, port } = await startGatewayProcess(nats.url, {
    WADM_MAX_BODY_BYTES: '4096',
    WADM_PENDING_QUOTA: '50',
  }));
  const alice = await token(uniqueUser('alice'));
  const now = Math.floor(Date.now() / 1000);
  tokens = [
    alice,
    await token(uniqueUser('bob')),
    await token(uniqueUser('root'), true),
    rawToken({ sub: 'x', exp: now - 10 }),
    rawToken({ sub: '../..', exp: now + 600 }),
    rawToken({ sub: 42, roles: 'admin', exp: now + 600 }),
    rawToken({ sub: 'carol', exp: now + 600 }, 'wrong-secret-wrong-secret-wrong-secret!'),
    'a.b.c',
    '',
  ];
  // Real tasks to aim at, owned by one of the users above (diagnostics are for admins).
  for (let i = 0; i < 3; i++) {
    const r = await send(port, 'POST', '/api/v1/tasks', {
      token: tokens[2],
      body: { type: 'diagnostics.echo', params: { payload: i } },
    });
    ids.push(r.json.task_id);
  }
});
afterAll(async () => {
  await gateway?.stop();
  await nats?.stop();
});

/** Ids of real tasks, looked up when generated (they exist only once beforeAll ran). */
const knownId = fc.nat(2).map((i) => ids[i] ?? 'none');

const PARAM_KEYS = [
  'payload',
  'symbol',
  'timeframe',
  'strategy',
  'from',
  'to',
  'format',
  'date',
  'symbols',
  'emailTo',
  'url',
  'body',
  'headers',
  'olderThanDays',
  'dryRun',
  'exchanges',
  'sleepMs',
  'failTimes',
  'nonRetryable',
  'progressSteps',
  'initialCapital',
  'feeBps',
  '__proto__',
  'constructor',
];

/** JSON that looks like what the API takes, with every field possibly wrong. */
const junkParams = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(fc.constantFrom(...PARAM_KEYS), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }),
);
const junkTask = fc.record(
  {
    type: fc.oneof(fc.constantFrom(...TASK_TYPES), fc.string(), fc.jsonValue({ maxDepth: 1 })),
    params: junkParams,
    priority: fc.oneof(fc.constantFrom(...PRIORITIES), fc.jsonValue({ maxDepth: 1 })),
    notBefore: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.string(),
      fc.constant('2024-02-30T25:61:61Z'),
      fc.constant('+275760-09-13T00:00:00.001Z'),
    ),
    idempotencyKey: fc.string(),
    extra: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.uint8Array({ maxLength: 1_500 }).map((b) => Buffer.from(b)),
  fc.string({ maxLength: 300 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'),
  junkTask.map((t) => JSON.stringify(t)),
  junkParams.map((p) => JSON.stringify(p)),
  fc.array(junkTask, { maxLength: 15 }).map((tasks) => JSON.stringify({ tasks })),
  fc
    .array(fc.oneof(fc.string(), knownId, fc.jsonValue({ maxDepth: 1 })), { maxLength: 15 })
    .map((task_ids) => JSON.stringify({ task_ids })),
  fc.integer({ min: 1, max: 3_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.constant('x'.repeat(5_000)),
);

const segment = fc.oneof(
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
  fc.constantFrom(
    '%',
    '%zz',
    '%00',
    '%2F',
    '..',
    '.',
    '',
    ';',
    '~',
    '%E0%A4%A',
    'bulk',
    'result',
    'retry',
  ),
  knownId,
  fc.constantFrom(...TASK_STATUSES),
);
const templates = [
  '/api/v1/tasks',
  '/api/v1/tasks/',
  '/api/v1/tasks/bulk',
  '/api/v1/tasks/bulk/cancel',
  '/api/v1/tasks/backtest',
  '/api/v1/tasks/report',
  '/api/v1/tasks/export',
  '/api/v1/tasks/analysis',
  '/api/v1/tasks/{}',
  '/api/v1/tasks/{}/result',
  '/api/v1/tasks/{}/retry',
  '/api/v1/dlq',
  '/api/v1/dlq/{}/replay',
  '/api/v1/market-data',
  '/api/v1/market-data/{}/1h',
  '/api/v1/market-data/BTCUSDT/{}',
  // Other spellings of API paths: they must be refused or unknown, never served without a token.
  '/API/v1/market-data',
  '/Api/v1/tasks/{}',
  '//api/v1/tasks',
  '/api//v1/tasks/{}',
  '/%61pi/v1/tasks',
  '/api%2Fv1%2Ftasks',
  '/api/v1/./tasks/{}',
  '/healthz',
  '/readyz',
  '/openapi.json',
  '/docs',
  '/api',
  '/',
];
const queryPart = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(
          'status',
          'type',
          'since',
          'limit',
          'cursor',
          'owner',
          'priority',
          'notBefore',
        ),
        fc.string({ maxLength: 8 }),
      ),
      fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.constantFrom(...TASK_STATUSES, '0', '-1', '1001', '*', '%'),
      ),
    ),
    { maxLength: 4 },
  )
  .map((pairs) =>
    pairs.length === 0
      ? ''
      : `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v === '%' ? v : encodeURIComponent(v)}`).join('&')}`,
  );
const path = fc
  .tuple(
    fc.oneof(
      fc.tuple(fc.constantFrom(...templates), segment).map(([t, s]) => t.replace('{}', s)),
      fc.array(segment, { maxLength: 5 }).map((s) => `/${s.join('/')}`),
    ),
    queryPart,
  )
  .map(([p, q]) => p + q);

/** Correctly signed tokens whose header and claims are anything at all. */
const jwtShaped = fc
  .tuple(
    fc.record(
      {
        alg: fc.constantFrom('HS256', 'none', 'RS256', 'HS512', ''),
        typ: fc.jsonValue({ maxDepth: 1 }),
        crit: fc.jsonValue({ maxDepth: 1 }),
        b64: fc.jsonValue({ maxDepth: 1 }),
        kid: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    ),
    fc.record(
      {
        sub: fc.oneof(fc.string({ maxLength: 70 }), fc.jsonValue({ maxDepth: 1 })),
        roles: fc.oneof(fc.constant(['admin']), fc.jsonValue({ maxDepth: 2 })),
        exp: fc.oneof(
          fc.constant(Math.floor(Date.now() / 1000) + 600),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        nbf: fc.jsonValue({ maxDepth: 1 }),
        iat: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    ),
  )
  .map(([header, claims]) => {
    const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const unsigned = `${part(header)}.${part(claims)}`;
    return `${unsigned}.${createHmac('sha256', SECRET).update(unsigned).digest('base64url')}`;
  });

const headerValue = fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));
const request = fc.record({
  method: fc.constantFrom(
    'GET',
    'POST',
    'PUT',
    'PATCH',
    'DELETE',
    'HEAD',
    'OPTIONS',
    'PROPFIND',
    'TRACE',
  ),
  path,
  token: fc.oneof(
    { weight: 4, arbitrary: fc.nat(20).map((i) => tokens[i]) },
    { weight: 1, arbitrary: jwtShaped },
  ),
  contentType: fc.oneof(
    fc.constantFrom(
      undefined,
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'application/problem+json',
      'text/plain',
      'multipart/form-data; boundary=x',
      '',
    ),
    headerValue,
  ),
  headers: fc.dictionary(
    fc.constantFrom(
      'idempotency-key',
      'content-encoding',
      'x-request-id',
      'accept',
      'authorization',
      'transfer-encoding-x',
    ),
    headerValue,
    { maxKeys: 3 },
  ),
  body,
});

describe('gateway under random input', () => {
  it('fuzz - no request makes it answer 5xx or die', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = { ...r.headers };
        if (r.contentType !== undefined) headers['content-type'] = r.contentType;
        const res = await send(port, r.method, r.path, {
          ...(r.token !== undefined ? { token: r.token } : {}),
          ...(r.body !== undefined ? { body: r.body } : {}),
          headers,
        });
        expect(res.status, `${r.method} ${r.path} → ${res.text.slice(0, 300)}`).toBeLessThan(500);
        if (res.status >= 400 && r.method !== 'HEAD') {
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(res.json.status).toBe(res.status);
        }
      }),
      { numRuns: Number(process.env['WADM_FUZZ_RUNS'] ?? 10_000) },
    );
    expect(gateway.status).toBeUndefined();
    expect((await send(port, 'GET', '/healthz')).status).toBe(200);
    // pino level 50 is "error": the handler logs every unexpected error there.
    expect(gateway.logs()).not.toMatch(/"level":(50|60)/);
    // 10,000 requests, each also checked against /openapi.json: ~25 s alone, twice that on two
    // cores shared with the rest of the suite.
  }, 180_000);

  it('fuzz - raw bytes on the socket get a 4xx or a closed connection, never a 5xx', async () => {
    const raw = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 600 }).map((b) => Buffer.from(b)),
      fc
        .tuple(
          fc.constantFrom('GET', 'POST', 'FOO', ''),
          fc.string({ maxLength: 50 }),
          fc.string({ maxLength: 200 }),
        )
        .map(([m, p, h]) =>
          Buffer.from(`${m} /${p} HTTP/1.1\r\nHost: x\r\n${h}\r\n\r\n`, 'latin1'),
        ),
    );
    await fc.assert(
      fc.asyncProperty(raw, async (bytes) => {
        const reply = await new Promise<string>((resolve) => {
          const socket = tcpConnect({ host: '127.0.0.1', port }, () => socket.end(bytes));
          let text = '';
          socket.setTimeout(3_000, () => socket.destroy());
          socket.on('data', (c) => (text += c.toString('latin1')));
          socket.on('error', () => resolve(text));
          socket.on('close', () => resolve(text));
        });
        const statuses = [...reply.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
        for (const status of statuses) expect(status, reply.slice(0, 200)).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
    expect(gateway.status).toBeUndefined();
    expect((await send(port, 'GET', '/healthz')).status).toBe(200);
  });
});
