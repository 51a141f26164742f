import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { signDevToken } from '@wadm/auth';
import { freePort, ManagedProcess, NatsServer } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConformanceChecker, createApiClient, type ApiClient } from '../src/index.js';
import { generateTypes } from '../scripts/generate-types.mjs';

// The gateway as it runs in production, started by path (a package never imports a service).
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const GATEWAY_MAIN = `${ROOT}services/gateway/dist/main.js`;
const GENERATED = new URL('../src/generated/openapi.ts', import.meta.url);
const SECRET = 'api-client-secret-api-client-secret-0123';

let nats: NatsServer;
let gateway: ManagedProcess;
let baseUrl: string;
let doc: Record<string, unknown>;

beforeAll(async () => {
  nats = await NatsServer.start();
  const port = await freePort();
  gateway = await ManagedProcess.start({
    command: process.execPath,
    args: [GATEWAY_MAIN],
    env: {
      NATS_URL: nats.url,
      WADM_JWT_SECRET: SECRET,
      WADM_HTTP_PORT: String(port),
      WADM_WS_PORT: String(await freePort()),
    },
    readyWhen: /gateway ready/,
  });
  baseUrl = `http://127.0.0.1:${port}`;
  doc = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as Record<string, unknown>;
});
afterAll(async () => {
  await gateway?.stop();
  await nats?.stop();
});

/** A client whose every response is also checked against the live document. */
function client(token: string): { api: ApiClient; mismatches: string[] } {
  const checker = new ConformanceChecker(doc);
  const mismatches: string[] = [];
  const api = createApiClient({ baseUrl, token });
  api.use({
    async onResponse({ request, response }) {
      const url = new URL(request.url);
      mismatches.push(
        ...checker.check({
          method: request.method,
          path: url.pathname + url.search,
          status: response.status,
          headers: Object.fromEntries(response.headers),
          text: await response.clone().text(),
        }),
      );
      return response;
    },
  });
  return { api, mismatches };
}

describe('api client', () => {
  it('generated - src/generated/openapi.ts is what the live /openapi.json generates', async () => {
    const expected = await generateTypes(doc);
    // On a mismatch: `npm run build && pnpm --filter @wadm/api-client run generate`.
    expect(readFileSync(GENERATED, 'utf8')).toBe(expected);
  });

  it('client - typed calls to the live gateway: submit, read, cancel, and a problem', async () => {
    const user = `client${process.pid}_${Date.now().toString(36)}`;
    const { api, mismatches } = client(await signDevToken({ secret: SECRET, user }));
    // An hour ahead, so it waits: no worker is needed.
    const notBefore = new Date(Date.now() + 3_600_000).toISOString();
    const submitted = await api.POST('/api/v1/tasks', {
      body: {
        type: 'exports.candles',
        params: { symbol: 'BTCUSDT', timeframe: '1h', format: 'csv' },
        notBefore,
      },
    });
    expect(submitted.response.status).toBe(202);
    const id = submitted.data?.task_id ?? '';
    expect(submitted.response.headers.get('location')).toBe(`/api/v1/tasks/${id}`);

    const task = await api.GET('/api/v1/tasks/{task_id}', { params: { path: { task_id: id } } });
    expect(task.data).toMatchObject({ task_id: id, owner: user, status: 'PENDING' });

    const cancelled = await api.DELETE('/api/v1/tasks/{task_id}', {
      params: { path: { task_id: id } },
    });
    expect(cancelled.data).toMatchObject({ task_id: id, outcome: 'revoked' });

    const missing = await api.GET('/api/v1/tasks/{task_id}', {
      params: { path: { task_id: 'no-such-task' } },
    });
    expect(missing.response.status).toBe(404);
    expect(missing.error?.code).toBe('TASK_NOT_FOUND');
    expect(mismatches).toEqual([]);
  });

  it('client - no token: the 401 problem is typed too', async () => {
    const api = createApiClient({ baseUrl });
    const page = await api.GET('/api/v1/tasks', { params: { query: { limit: 5 } } });
    expect(page.response.status).toBe(401);
    expect(page.error?.code).toBe('UNAUTHORIZED');
  });
});
