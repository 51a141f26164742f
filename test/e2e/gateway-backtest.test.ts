// End to end across services: the gateway and the backtest service as they run in production
// (`node services/<name>/dist/main.js`), started by path, never imported. It lives at the root,
// outside both services, because neither service's tests may depend on the other service.
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ConformanceChecker } from '@wadm/api-client';
import { signDevToken } from '@wadm/auth';
import { BacktestRunResult, validate } from '@wadm/contracts';
import { openCandleStore, seedDemoData } from '@wadm/market-data';
import { freePort, ManagedProcess, NatsServer } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GATEWAY_MAIN = `${ROOT}services/gateway/dist/main.js`;
const BACKTEST_MAIN = `${ROOT}services/backtest/dist/main.js`;
const SECRET = 'e2e-secret-e2e-secret-e2e-secret-0123456';

let nats: NatsServer;
let nc: NatsConnection;
let gateway: ManagedProcess;
let worker: ManagedProcess;
let port: number;

beforeAll(async () => {
  nats = await NatsServer.start();
  port = await freePort();
  // The gateway provisions MARKET_DATA; the demo series go in before the worker reads them.
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
  nc = await connect({ servers: nats.url });
  await seedDemoData((await openCandleStore({ nats: nc })).store);
  worker = await ManagedProcess.start({
    command: process.execPath,
    args: [BACKTEST_MAIN],
    env: { NATS_URL: nats.url, WADM_HEALTH_PORT: '0' },
    readyWhen: /backtest service ready/,
  });
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await gateway?.stop();
  await nc?.close();
  await nats?.stop();
});

/** One REST call as a user: status, content type and the body parsed as JSON. */
async function api(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  // Every answer must be what /openapi.json says it is (status, headers, body).
  checker ??= new ConformanceChecker(
    (await (await fetch(`http://127.0.0.1:${port}/openapi.json`)).json()) as object,
  );
  const mismatches = checker.check({
    method,
    path,
    status: res.status,
    headers: Object.fromEntries(res.headers),
    text,
  });
  expect(mismatches).toEqual([]);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read any shape
  const json: any = JSON.parse(text);
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', json };
}
let checker: ConformanceChecker | undefined;

describe('gateway and backtest processes', () => {
  it('e2e - a backtest submitted over REST runs on the demo data and its result comes back', async () => {
    const t = await signDevToken({ secret: SECRET, user: `e2e${process.pid}_${Date.now()}` });
    const series = await api(t, 'GET', '/api/v1/market-data');
    expect(series.json.series).toContainEqual(
      expect.objectContaining({ symbol: 'BTCUSDT', timeframe: '1h' }),
    );

    const accepted = await api(t, 'POST', '/api/v1/tasks', {
      type: 'backtest.run',
      params: {
        symbol: 'BTCUSDT',
        timeframe: '1h',
        strategy: { name: 'sma_cross', params: { fast: 10, slow: 50 } },
      },
    });
    expect(accepted.status).toBe(202);
    const id = accepted.json.task_id as string;
    await expect
      .poll(async () => (await api(t, 'GET', `/api/v1/tasks/${id}`)).json.status, {
        timeout: 60_000,
        interval: 100,
      })
      .toBe('SUCCESS');

    // Inline JSON or, for a long equity curve, the artifact streamed as JSON: the same shape.
    const result = await api(t, 'GET', `/api/v1/tasks/${id}/result`);
    expect(result.status).toBe(200);
    expect(result.contentType).toMatch(/^application\/json/);
    expect(validate(BacktestRunResult, result.json)).toEqual([]);
    expect(result.json.metrics.initialCapital).toBe(10_000);
    expect(result.json.metrics.trades).toBeGreaterThan(0);
    expect(result.json.trades).toHaveLength(result.json.metrics.trades);
    expect(result.json.trades[0]).toMatchObject({ side: 'long' });
    expect(Date.parse(result.json.trades[0].entryTime)).toBeGreaterThanOrEqual(
      Date.UTC(2022, 0, 1),
    );
  });
});
