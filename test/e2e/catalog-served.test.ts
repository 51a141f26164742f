// Every task type the catalog offers is served by a service that runs: a type nobody serves
// would be accepted by the gateway and then sit PENDING forever. Every service under services/
// is started as it runs in production (`node services/<name>/dist/main.js`), by path.
import { existsSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  BUCKETS,
  TASK_CATALOG,
  TASK_TYPES,
  validateParams,
  type TaskType,
  type WorkerHeartbeat,
} from '@wadm/contracts';
import { openCandleStore, seedDemoData } from '@wadm/market-data';
import { ManagedProcess, NatsServer, pollUntil } from '@wadm/testkit';
import { TaskClient } from '@wadm/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVICES = readdirSync(`${ROOT}services`).filter((name) =>
  existsSync(`${ROOT}services/${name}/dist/main.js`),
);

let nats: NatsServer;
let nc: NatsConnection;
let local: Server;
let localUrl: string;
const processes: ManagedProcess[] = [];

beforeAll(async () => {
  nats = await NatsServer.start();
  nc = await connect({ servers: nats.url });
  // Whatever a task reaches out to (webhooks, exchange pings) answers here, never outside.
  local = createServer((_req, res) => res.end('{}'));
  await new Promise<void>((resolve) => local.listen(0, '127.0.0.1', resolve));
  localUrl = `http://127.0.0.1:${(local.address() as AddressInfo).port}`;
  for (const name of SERVICES) {
    processes.push(
      await ManagedProcess.start({
        command: process.execPath,
        args: [`${ROOT}services/${name}/dist/main.js`],
        env: {
          NATS_URL: nats.url,
          WADM_JWT_SECRET: 'catalog-secret-catalog-secret-catalog-0',
          WADM_HTTP_PORT: '0',
          WADM_WS_PORT: '0',
          WADM_HEALTH_PORT: '0',
          WADM_EXCHANGES: `binance=${localUrl}/ping`,
          WADM_WEBHOOK_ALLOW: '127.0.0.1',
        },
        readyWhen: /ready/,
      }),
    );
  }
  await seedDemoData((await openCandleStore({ nats: nc })).store);
}, 120_000);
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await nc?.close();
  await new Promise((resolve) => local?.close(resolve));
  await nats?.stop();
});

/** Params a task of each type may really run with, here: local addresses, demo data. */
function paramsOf(type: TaskType): Record<string, unknown> {
  const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const table: Record<TaskType, Record<string, unknown>> = {
    'diagnostics.echo': { payload: 'hi' },
    'backtest.run': {
      symbol: 'BTCUSDT',
      timeframe: '1h',
      strategy: { name: 'sma_cross', params: { fast: 10, slow: 50 } },
    },
    'backtest.sweep': {
      symbol: 'BTCUSDT',
      timeframe: '1h',
      strategy: { name: 'sma_cross', grid: { fast: [5, 10], slow: [50] } },
    },
    'analysis.history': { symbol: 'BTCUSDT', timeframe: '1h' },
    'reports.daily': { date: day, symbols: ['BTCUSDT'] },
    'notify.email': { to: ['ops@example.com'], subject: 'hi', text: 'hi' },
    'notify.webhook': { url: `${localUrl}/hook`, body: { hi: 1 } },
    'alerts.evaluate': {},
    'exports.candles': { symbol: 'BTCUSDT', timeframe: '1h', format: 'csv' },
    // Leaves PENDING whatever it finds: a task id never used fails at once, in words.
    'exports.backtest': { taskId: 'no-such-backtest', format: 'xlsx' },
    'exports.tasks': { format: 'csv' },
    'maintenance.cleanup': { olderThanDays: 30, dryRun: true },
    'maintenance.exchange_health': { exchanges: ['binance'] },
  };
  return table[type];
}

describe('the catalog against the running services', () => {
  it('services - together serve every queue of the catalog', async () => {
    const kv = await new Kvm(nc).open(BUCKETS.workers);
    const wanted = new Set(TASK_TYPES.map((t) => TASK_CATALOG[t].queue));
    let served = new Set<string>();
    await pollUntil(
      async () => {
        served = new Set();
        for await (const key of await kv.keys()) {
          const beat = (await kv.get(key))?.json<WorkerHeartbeat>();
          for (const q of beat?.queues ?? []) served.add(q);
        }
        return [...wanted].every((q) => served.has(q)) ? true : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(
      [...wanted].filter((q) => !served.has(q)),
      'queues no running service serves',
    ).toEqual([]);
  });

  it('services - a task of every type leaves PENDING', async () => {
    const client = await TaskClient.open(nc);
    const submitted = [];
    for (const type of TASK_TYPES) {
      const params = paramsOf(type);
      expect(validateParams(type, structuredClone(params)), type).toEqual([]);
      submitted.push({ type, state: (await client.submit({ type, params })).state });
    }
    const picked = await Promise.all(
      submitted.map(({ state }) =>
        client
          .waitFor(state.owner, state.id, {
            until: (s) => s.status !== 'PENDING',
            timeoutMs: 30_000,
          })
          .catch(() => null),
      ),
    );
    const stuck = submitted.filter((_, i) => !picked[i]).map(({ type }) => type);
    expect(stuck, 'types whose task no service picked up').toEqual([]);
  });
});
