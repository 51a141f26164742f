import { createRequire } from 'node:module';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createVerifier, signDevToken } from '@wadm/auth';
import { createLogger, provision, TaskClient } from '@wadm/runtime';
import { ManagedProcess, NatsServer } from '@wadm/testkit';
import WebSocket from 'ws';
import type { GatewayDeps } from '../../src/deps.js';
import { loadEnv } from '../../src/env.js';
import { buildAsyncApi } from '../../src/http/asyncapi.js';
import { startWsBridge, type WsBridge, type WsBridgeOptions } from '../../src/ws/bridge.js';

// ajv-formats is CommonJS with a default export; under NodeNext it arrives wrapped.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** The runtime's diagnostics-only worker: these tests run `diagnostics.echo` and nothing else. */
const WORKER = createRequire(import.meta.url).resolve('@wadm/runtime/echo-worker');
export const SECRET = 'ws-bridge-test-secret-of-at-least-32-chars';

export interface WsHarness {
  server: NatsServer;
  nc: NatsConnection;
  client: TaskClient;
  /** A bridge on a free port; more with {@link WsHarness.startBridge}. */
  bridge: WsBridge;
  startBridge(env?: Record<string, string>, opts?: WsBridgeOptions): Promise<WsBridge>;
  token(user: string, admin?: boolean): Promise<string>;
  startWorker(): Promise<ManagedProcess>;
  close(): Promise<void>;
}

/** A real nats-server, provisioned; bridges run in process with the gateway's real deps. */
export async function startWsHarness(
  env: Record<string, string> = {},
  opts: WsBridgeOptions = {},
): Promise<WsHarness> {
  const server = await NatsServer.start();
  const nc = await connect({
    servers: server.url,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
  });
  await provision(nc);
  const client = await TaskClient.open(nc);
  const bridges: WsBridge[] = [];
  const workers: ManagedProcess[] = [];
  const startBridge = async (
    more: Record<string, string> = {},
    bridgeOpts: WsBridgeOptions = {},
  ): Promise<WsBridge> => {
    const gatewayEnv = loadEnv({
      NATS_URL: server.url,
      WADM_JWT_SECRET: SECRET,
      WADM_WS_PORT: '0',
      ...env,
      ...more,
    });
    const deps: GatewayDeps = {
      env: gatewayEnv,
      nc,
      client,
      verify: createVerifier({ secret: SECRET }),
      logger: createLogger('gateway-ws-test', process.env['WADM_LOG_LEVEL'] ?? 'silent'),
      ready: () => true,
    };
    const bridge = await startWsBridge(deps, { ...opts, ...bridgeOpts });
    bridges.push(bridge);
    return bridge;
  };
  const bridge = await startBridge();
  return {
    server,
    nc,
    client,
    bridge,
    startBridge,
    token: (user, admin = false) => signDevToken({ secret: SECRET, user, admin }),
    async startWorker() {
      const worker = await ManagedProcess.start({
        command: process.execPath,
        args: [WORKER],
        env: { NATS_URL: server.url, WADM_HEALTH_PORT: '0' },
        readyWhen: /testworker service ready/,
      });
      workers.push(worker);
      return worker;
    },
    async close() {
      await Promise.all(bridges.map((b) => b.close()));
      await Promise.all(workers.map((w) => w.kill()));
      await nc.close();
      await server.stop();
      if (asyncapiMismatches.length > 0) throw new Error(asyncapiMismatches.join('\n'));
    },
  };
}

/** A parsed message from the bridge: a task event (with `stream_seq`) or a control reply. */
export interface Received {
  task_id?: string;
  type?: string;
  status?: string;
  progress?: number;
  result?: unknown;
  error?: string | null;
  seq?: number;
  ts?: string;
  stream_seq?: number;
  control?: string;
  [key: string]: unknown;
}

export interface Refusal {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Every message a bridge sends must be one that `/asyncapi.json` lists for the client to
 * receive; a message that is not fails the test waiting on the socket, and the file's close.
 */
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const asyncapi = buildAsyncApi('test');
const receivable = ajv.compile({
  anyOf: (asyncapi['operations']['receiveTaskEvents']['messages'] as { $ref: string }[]).map(
    ({ $ref }) => asyncapi['components']['messages'][$ref.split('/').at(-1) ?? '']['payload'],
  ),
});
export const asyncapiMismatches: string[] = [];
function checkReceived(url: string, message: unknown): void {
  if (receivable(message)) return;
  const why = ajv.errorsText(receivable.errors, { dataVar: 'message' });
  asyncapiMismatches.push(
    `${url}: ${JSON.stringify(message).slice(0, 200)} is not in asyncapi.json: ${why}`,
  );
}

/** A `ws` client that records everything it receives. */
export class TestSocket {
  readonly messages: Received[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Received;
      checkReceived(ws.url, message);
      this.messages.push(message);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
  }

  /** Opens a socket; rejects with a {@link Refusal} when the upgrade is refused. */
  static open(url: string, protocols?: string[]): Promise<TestSocket> {
    const ws = new WebSocket(url, protocols);
    const socket = new TestSocket(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(socket));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => {
          reject({ status: res.statusCode ?? 0, body: JSON.parse(body || '{}') } satisfies Refusal);
        });
      });
      ws.once('error', (err) => reject(err));
    });
  }

  get events(): Received[] {
    return this.messages.filter((m) => m.task_id !== undefined);
  }

  eventsOf(taskId: string): Received[] {
    return this.events.filter((m) => m.task_id === taskId);
  }

  send(body: unknown): void {
    this.ws.send(JSON.stringify(body));
  }

  /** Resolves with the first received message matching `pred` (waiting for it if needed). */
  async waitFor(pred: (m: Received) => boolean, timeoutMs = 30_000): Promise<Received> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (asyncapiMismatches.length > 0) throw new Error(asyncapiMismatches.join('\n'));
      const found = this.messages.find(pred);
      if (found) return found;
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error('socket closed while waiting');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The terminal event of a task. */
  terminalOf(taskId: string): Promise<Received> {
    return this.waitFor(
      (m) => m.task_id === taskId && ['SUCCESS', 'FAILURE', 'REVOKED'].includes(String(m.status)),
    );
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}

export function wsUrl(bridge: WsBridge, path: string): string {
  return `ws://127.0.0.1:${bridge.port}${path}`;
}
