// The generated NATS users (packages/runtime/src/nats-permissions.ts) loaded into a real
// nats-server: every service runs as it does in production, by path, with only its own user,
// and does its job end to end; what a user must not do is refused by the server itself.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { signDevToken } from '@wadm/auth';
import { BUCKETS, STREAMS, TASK_TYPES } from '@wadm/contracts';
import { openCandleStore, seedDemoData } from '@wadm/market-data';
import { BUCKET_ACCESS, NATS_ROLES, renderNatsAuthorization, type NatsRole } from '@wadm/runtime';
import { freePort, ManagedProcess, NatsServer, pollUntil } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SECRET = 'permissions-secret-permissions-secret-01';
const SERVICES = ['gateway', 'backtest', 'reports', 'exports', 'scheduler'] as const;
const PASSWORDS = Object.fromEntries(
  NATS_ROLES.map((role) => [role, randomBytes(12).toString('hex')]),
) as Record<NatsRole, string>;

let nats: NatsServer;
let admin: NatsConnection;
let httpPort: number;
const processes = new Map<string, ManagedProcess>();

function connectAs(role: NatsRole): Promise<NatsConnection> {
  return connect({ servers: nats.url, user: role, pass: PASSWORDS[role], name: `test-${role}` });
}

beforeAll(async () => {
  nats = await NatsServer.start({ extraConfig: renderNatsAuthorization(PASSWORDS) });
  // As the Kubernetes Job runs it: `wadm provision` with the provision user.
  const provisioning = await ManagedProcess.start({
    command: process.execPath,
    args: [`${ROOT}packages/cli/dist/main.js`, 'provision'],
    env: {
      NATS_URL: nats.url,
      WADM_NATS_USER: 'provision',
      WADM_NATS_PASSWORD: PASSWORDS.provision,
    },
  });
  expect((await provisioning.exited).code, provisioning.logs()).toBe(0);
  admin = await connectAs('provision');
  await seedDemoData((await openCandleStore({ nats: admin })).store);
  httpPort = await freePort();
  for (const name of SERVICES) {
    const main = `${ROOT}services/${name}/dist/main.js`;
    if (!existsSync(main)) throw new Error(`${main} is not built: run pnpm run build`);
    processes.set(
      name,
      await ManagedProcess.start({
        command: process.execPath,
        args: [main],
        env: {
          NATS_URL: nats.url,
          WADM_NATS_USER: name,
          WADM_NATS_PASSWORD: PASSWORDS[name],
          // As in Compose and Kubernetes: the provisioning job made everything, nobody else may.
          WADM_PROVISION: '0',
          WADM_JWT_SECRET: SECRET,
          WADM_HTTP_PORT: String(httpPort),
          WADM_WS_PORT: '0',
          WADM_HEALTH_PORT: '0',
          WADM_SEED_SCHEDULES: '0',
          WADM_EXCHANGES: 'local=http://127.0.0.1:9/ping',
        },
        readyWhen: /ready/,
      }),
    );
  }
}, 120_000);
afterAll(async () => {
  await Promise.all([...processes.values()].map((p) => p.stop()));
  await admin?.close();
  await nats?.stop();
});

/**
 * What a service logged about refusals: nats-server 2.9 does not log them, the client gets each
 * as an async error, which the runtime's connection monitor logs as `nats error`.
 */
function refusalsLogged(service: string): string[] {
  const logs = processes.get(service)?.logs() ?? '';
  return logs.split('\n').filter((line) => /nats error|permission/i.test(line));
}

async function api(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`http://127.0.0.1:${httpPort}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = res.headers.get('content-type')?.includes('json') ? await res.json() : undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read any shape
  return { status: res.status, json: json as any };
}

async function statusOf(token: string, id: string): Promise<string | undefined> {
  const { json } = await api(token, 'GET', `/tasks/${id}`);
  return ['PENDING', 'STARTED', 'RETRY', 'PROGRESS'].includes(json.status)
    ? undefined
    : json.status;
}

describe('each service with only its own NATS user', () => {
  it(
    'permissions - the gateway submits, each worker runs its queues, nothing is refused',
    {
      timeout: 120_000,
    },
    async () => {
      const token = await signDevToken({ secret: SECRET, user: 'perm', admin: true });
      const tasks = {
        'backtest.run': {
          symbol: 'BTCUSDT',
          timeframe: '1h',
          strategy: { name: 'sma_cross', params: { fast: 10, slow: 50 } },
        },
        // A day inside the demo data (2022-2024).
        'reports.daily': { date: '2024-06-03', symbols: ['BTCUSDT'] },
        'exports.candles': { symbol: 'BTCUSDT', timeframe: '1h', format: 'csv' },
        'maintenance.cleanup': { olderThanDays: 30, dryRun: true },
        // A status change: a KV write and an `exchange.status.local` event on core NATS.
        'maintenance.exchange_health': { exchanges: ['local'] },
        'diagnostics.echo': { payload: 'hi' },
      };
      const submitted: [string, string][] = [];
      for (const [type, params] of Object.entries(tasks)) {
        expect(TASK_TYPES, type).toContain(type);
        const accepted = await api(token, 'POST', '/tasks', { type, params });
        expect(accepted.status, `${type}: ${JSON.stringify(accepted.json)}`).toBe(202);
        submitted.push([type, accepted.json.task_id as string]);
      }
      const outcomes = await Promise.all(
        submitted.map(async ([type, id]) => {
          const status = await pollUntil(() => statusOf(token, id), {
            timeoutMs: 60_000,
            intervalMs: 250,
          }).catch(() => 'still running');
          // Results come back through the gateway's user (TASK_STATE, ARTIFACTS).
          const result = await api(token, 'GET', `/tasks/${id}/result`);
          const error = status === 'SUCCESS' ? '' : JSON.stringify(result.json);
          return `${type}: ${status} ${result.status}${error}`;
        }),
      );
      expect(outcomes).toEqual(submitted.map(([type]) => `${type}: SUCCESS 200`));
      for (const name of SERVICES) expect(refusalsLogged(name), name).toEqual([]);
    },
  );

  it('permissions - the scheduler fires a schedule the gateway wrote, and writes its history', async () => {
    const token = await signDevToken({ secret: SECRET, user: 'sched', admin: true });
    const created = await api(token, 'POST', '/schedules', {
      id: 'perm-every-second',
      every: 1_000,
      task: { type: 'diagnostics.echo', params: { payload: 'tick' } },
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const fired = await pollUntil(
      async () => {
        const { json } = await api(token, 'GET', '/schedules/perm-every-second');
        const fire = (json.history ?? []).find((h: { taskId?: string }) => h.taskId);
        return fire?.taskId as string | undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(fired, 'a fire with its task in the history').toBeDefined();
    const status = await pollUntil(() => statusOf(token, fired ?? ''), {
      timeoutMs: 30_000,
      intervalMs: 250,
    });
    expect(status).toBe('SUCCESS');
    expect(refusalsLogged('scheduler')).toEqual([]);
  });

  it('permissions - the init container wait passes with each service user', async () => {
    const waits: Record<(typeof SERVICES)[number], string[]> = {
      gateway: ['TASKS', 'KV_TASK_STATE', 'OBJ_ARTIFACTS', 'OBJ_MARKET_DATA'],
      backtest: ['KV_TASK_STATE', 'OBJ_ARTIFACTS', 'OBJ_MARKET_DATA'],
      reports: ['KV_TASK_STATE', 'OBJ_ARTIFACTS', 'OBJ_MARKET_DATA'],
      exports: ['KV_TASK_STATE', 'OBJ_ARTIFACTS', 'OBJ_MARKET_DATA'],
      scheduler: ['TASKS', 'KV_SCHEDULES', 'KV_TASK_STATE'],
    };
    for (const name of SERVICES) {
      const wait = await ManagedProcess.start({
        command: process.execPath,
        args: [`${ROOT}deploy/wait-provisioned.mjs`, ...waits[name]],
        env: { NATS_URL: nats.url, WADM_NATS_USER: name, WADM_NATS_PASSWORD: PASSWORDS[name] },
      });
      expect((await wait.exited).code, wait.logs()).toBe(0);
      expect(wait.logs()).toMatch(/^provisioned: /m);
    }
  });

  it('permissions - every KV bucket in the contracts has its writers and readers named', () => {
    expect(Object.keys(BUCKETS).filter((key) => !(key in BUCKET_ACCESS))).toEqual([]);
  });
});

describe('what the server refuses', () => {
  /** Runs `action` as `role` and returns the server's refusal, or null if it was allowed. */
  async function refusal(role: NatsRole, action: (nc: NatsConnection) => Promise<unknown>) {
    const nc = await connectAs(role);
    try {
      await action(nc);
      return null;
    } catch (err) {
      return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    } finally {
      await nc.close();
    }
  }

  it('permissions - the reports user cannot pull the backtest queue', async () => {
    const refused = await refusal('reports', (nc) =>
      nc.request(`$JS.API.CONSUMER.MSG.NEXT.${STREAMS.tasks}.backtest_normal`, '{"batch":1}', {
        timeout: 2_000,
      }),
    );
    expect(refused).toMatch(/permission/i);
  });

  it('permissions - a worker started with the backtest user is refused and says what', async () => {
    const wrong = await ManagedProcess.start({
      command: process.execPath,
      args: [`${ROOT}services/reports/dist/main.js`],
      env: {
        NATS_URL: nats.url,
        WADM_NATS_USER: 'backtest',
        WADM_NATS_PASSWORD: PASSWORDS.backtest,
        WADM_PROVISION: '0',
        WADM_HEALTH_PORT: '0',
      },
    });
    const exit = await wrong.exited;
    expect(exit.code).not.toBe(0);
    expect(wrong.logs()).toMatch(/permission/i);
  });

  it('permissions - no worker can delete a stream', async () => {
    for (const role of ['backtest', 'reports', 'exports'] as const) {
      const refused = await refusal(role, async (nc) =>
        (await jetstreamManager(nc)).streams.delete(STREAMS.events),
      );
      expect(refused, role).toMatch(/permission/i);
    }
    const jsm = await jetstreamManager(admin);
    expect((await jsm.streams.info(STREAMS.events)).config.name).toBe(STREAMS.events);
  });

  it('permissions - the gateway cannot purge a KV bucket, nor create a stream', async () => {
    const purge = await refusal('gateway', async (nc) =>
      (await jetstreamManager(nc)).streams.purge(`KV_${BUCKETS.taskState}`),
    );
    expect(purge).toMatch(/permission/i);
    const create = await refusal('gateway', async (nc) =>
      (await jetstreamManager(nc)).streams.add({ name: 'ROGUE', subjects: ['rogue.>'] }),
    );
    expect(create).toMatch(/permission/i);
    // The gateway's own bucket access still works on the same server.
    const nc = await connectAs('gateway');
    const kv = await new Kvm(nc).open(BUCKETS.schedules);
    const keys: string[] = [];
    for await (const key of await kv.keys()) keys.push(key);
    expect(keys).toContain('sched.perm-every-second');
    await nc.close();
  });
});
