import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ConformanceChecker } from '@wadm/api-client';
import { createVerifier, signDevToken } from '@wadm/auth';
import { createLogger, provision, TaskClient } from '@wadm/runtime';
import { freePort, ManagedProcess, NatsServer } from '@wadm/testkit';
import type { GatewayDeps, RunningServer } from '../../src/deps.js';
import { loadEnv } from '../../src/env.js';
import { startHttp } from '../../src/http/server.js';

export const SECRET = 'test-secret-test-secret-test-secret-0123';
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const GATEWAY_MAIN = `${ROOT}services/gateway/dist/main.js`;
/**
 * The runtime's diagnostics-only worker (`diagnostics.echo`): the worker behind the gateway in
 * these tests, so they need no other service. Resolved through `@wadm/runtime`'s exports.
 */
export const WORKER_MAIN = createRequire(import.meta.url).resolve('@wadm/runtime/echo-worker');
const WORKER_READY = /testworker service ready/;

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read any shape
}

export interface RequestOptions {
  token?: string;
  /** An object is sent as JSON; a string or Buffer as is. */
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * The gateway's document, fetched once per server at its first request, as a checker; null for
 * a server that serves none (not the gateway).
 */
const checkers = new Map<number, Promise<ConformanceChecker | null>>();
function checkerFor(port: number): Promise<ConformanceChecker | null> {
  let checker = checkers.get(port);
  if (!checker) {
    checker = rawSend(port, 'GET', '/openapi.json').then((r) =>
      r.status === 200 && typeof r.json?.openapi === 'string'
        ? new ConformanceChecker(r.json)
        : null,
    );
    checkers.set(port, checker);
  }
  return checker;
}

/**
 * One HTTP request with nothing hidden: raw bytes in, status, headers and text out. Every
 * response is checked against the gateway's /openapi.json: one the document does not describe
 * (status, header, media type, a body field) fails the test, naming the route and the field.
 */
export async function send(
  port: number,
  method: string,
  path: string,
  opts: RequestOptions = {},
): Promise<Reply> {
  const reply = await rawSend(port, method, path, opts);
  const checker = await checkerFor(port);
  const mismatches = checker?.check({ method, path, ...reply }) ?? [];
  if (mismatches.length > 0) {
    throw new Error(`the response does not match /openapi.json:\n${mismatches.join('\n')}`);
  }
  return reply;
}

/** `send` without the conformance check: for what the document cannot describe. */
export function rawSend(
  port: number,
  method: string,
  path: string,
  opts: RequestOptions = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
  let payload: Buffer | undefined;
  if (opts.body !== undefined) {
    if (typeof opts.body === 'string' || Buffer.isBuffer(opts.body)) {
      payload = Buffer.from(opts.body as string | Buffer);
    } else {
      payload = Buffer.from(JSON.stringify(opts.body));
      headers['content-type'] ??= 'application/json';
    }
  }
  // Node frames a GET/HEAD/DELETE body only when told its length; unframed bytes would read
  // as a second request.
  if (payload) headers['content-length'] = String(payload.length);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method, path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export function token(user: string, admin = false, expiresIn?: string): Promise<string> {
  return signDevToken({ secret: SECRET, user, admin, ...(expiresIn ? { expiresIn } : {}) });
}

/**
 * A task an ordinary user may submit, for tests of who sees what: with a `notBefore` an hour
 * ahead it waits, whether or not a worker runs. Diagnostics are for admins and the system.
 */
export const USER_TASK = {
  type: 'exports.candles',
  params: { symbol: 'BTCUSDT', timeframe: '1h', format: 'csv' },
} as const;

/** A service account's token: the `system` role, as the scheduler or a chaos drill has. */
export function systemToken(user: string): Promise<string> {
  return signDevToken({ secret: SECRET, user, system: true });
}

/** An HS256 JWT with exactly these claims: for forged, expired and odd tokens. */
export function rawToken(claims: Record<string, unknown>, secret = SECRET): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** A unique user per test: tests share one NATS server and must not see each other's tasks. */
let users = 0;
export function uniqueUser(prefix = 'u'): string {
  return `${prefix}${process.pid}_${++users}_${Date.now().toString(36)}`;
}

export interface Harness {
  server: NatsServer;
  nc: NatsConnection;
  client: TaskClient;
  /** Starts another in-process REST server on the same NATS, e.g. with a smaller quota. */
  startApp(env?: Record<string, string>): Promise<RunningServer & { deps: GatewayDeps }>;
  startWorker(env?: Record<string, string>): Promise<ManagedProcess>;
  close(): Promise<void>;
}

/** A real nats-server, provisioned; REST apps run in this process, workers as processes. */
export async function startHarness(): Promise<Harness> {
  const server = await NatsServer.start();
  const nc = await connect({ servers: server.url, maxReconnectAttempts: -1 });
  await provision(nc, { ackWaitMs: 5_000 });
  const client = await TaskClient.open(nc);
  const apps: RunningServer[] = [];
  const workers: ManagedProcess[] = [];
  return {
    server,
    nc,
    client,
    async startApp(extra = {}) {
      const env = loadEnv({
        NATS_URL: server.url,
        WADM_JWT_SECRET: SECRET,
        WADM_HTTP_PORT: '0',
        WADM_MAX_BODY_BYTES: '65536',
        ...extra,
      });
      const deps: GatewayDeps = {
        env,
        nc,
        client,
        verify: createVerifier({ secret: SECRET }),
        logger: createLogger('gateway-test', 'silent'),
        ready: () => true,
      };
      const running = await startHttp(deps);
      apps.push(running);
      return { ...running, deps };
    },
    async startWorker(env = {}) {
      const worker = await ManagedProcess.start({
        command: process.execPath,
        args: [WORKER_MAIN],
        env: { NATS_URL: server.url, WADM_HEALTH_PORT: '0', WADM_ACK_WAIT_MS: '5000', ...env },
        readyWhen: WORKER_READY,
      });
      workers.push(worker);
      return worker;
    },
    async close() {
      await Promise.all(apps.map((a) => a.close()));
      await Promise.all(workers.map((w) => w.stop()));
      await nc.close();
      await server.stop();
    },
  };
}

/** The gateway as it runs in production: `node services/gateway/dist/main.js`. */
export async function startGatewayProcess(
  natsUrl: string,
  env: Record<string, string> = {},
): Promise<{ process: ManagedProcess; port: number }> {
  const port = await freePort();
  const proc = await ManagedProcess.start({
    command: process.execPath,
    args: [GATEWAY_MAIN],
    env: {
      NATS_URL: natsUrl,
      WADM_JWT_SECRET: SECRET,
      WADM_HTTP_PORT: String(port),
      WADM_WS_PORT: String(await freePort()),
      ...env,
    },
    readyWhen: /gateway ready/,
  });
  return { process: proc, port };
}

/** The echo worker as a real process: the worker behind the gateway process in end-to-end tests. */
export function startWorkerProcess(natsUrl: string): Promise<ManagedProcess> {
  return ManagedProcess.start({
    command: process.execPath,
    args: [WORKER_MAIN],
    env: { NATS_URL: natsUrl, WADM_HEALTH_PORT: '0' },
    readyWhen: WORKER_READY,
  });
}
