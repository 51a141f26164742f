import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { Objm } from '@nats-io/obj';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { consumerName, OBJECT_STORES, STREAMS } from '@wadm/contracts';
import { ManagedProcess, NatsServer } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provision, TaskClient } from '../src/index.js';

const WORKER = fileURLToPath(new URL('./fixtures/echo-worker.mjs', import.meta.url));
const MIB = 1_048_576;

let server: NatsServer;
let nc: NatsConnection;
const workers: ManagedProcess[] = [];

beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url });
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.kill()));
  await nc?.close();
  await server?.stop();
});

async function startWorker(env: Record<string, string> = {}): Promise<number> {
  const worker = await ManagedProcess.start({
    command: process.execPath,
    args: [WORKER],
    env: { NATS_URL: server.url, WADM_HEALTH_PORT: '0', ...env },
    readyWhen: /testworker service ready/,
  });
  workers.push(worker);
  const [, port] = worker.logs().match(/"healthPort":(\d+)/) ?? [];
  return Number(port);
}

/** The HTTP status of `/healthz` at host:port, or the connection error's code. */
function probe(host: string, port: number): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/healthz', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

/** This machine's first non-loopback IPv4 address: reachable only if the server binds it. */
function outsideAddress(): string | undefined {
  const all = Object.values(networkInterfaces()).flat();
  return all.find((a) => a?.family === 'IPv4' && !a.internal)?.address;
}

describe('worker service - health server address', () => {
  it('worker service - serves /healthz on loopback only by default', async () => {
    const port = await startWorker();
    expect(await probe('127.0.0.1', port)).toBe(200);
    const outside = outsideAddress();
    // Without another interface there is nothing more to show; the loopback check still ran.
    if (outside) expect(await probe(outside, port)).toBe('ECONNREFUSED');
  });

  it('worker service - serves /healthz on WADM_HEALTH_HOST', async () => {
    const port = await startWorker({ WADM_HEALTH_HOST: '0.0.0.0' });
    expect(await probe('127.0.0.1', port)).toBe(200);
    const outside = outsideAddress();
    if (outside) expect(await probe(outside, port)).toBe(200);
  });

  it('worker service - a bad WADM_HEALTH_HOST stops it with code 2, naming the variable', async () => {
    const worker = await ManagedProcess.start({
      command: process.execPath,
      args: [WORKER],
      // Nothing listens on port 1: had it tried to connect, it would exit 1 instead.
      env: { NATS_URL: 'nats://127.0.0.1:1', WADM_HEALTH_HOST: '0.0.0.0:9101' },
    });
    expect((await worker.exited).code).toBe(2);
    expect(worker.logs()).toMatch(/invalid configuration: WADM_HEALTH_HOST: /);
  });
});

describe('worker service - provisioning limits from the environment', () => {
  it('worker service - creates TASKS_DLQ and ARTIFACTS with the WADM_*_MAX_* limits', async () => {
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) await jsm.streams.delete(name);
    await startWorker({
      WADM_DLQ_MAX_AGE_S: '3600',
      WADM_DLQ_MAX_BYTES: String(2 * MIB),
      WADM_ARTIFACTS_MAX_AGE_S: '7200',
      WADM_ARTIFACTS_MAX_BYTES: String(4 * MIB),
    });
    const dlq = (await jsm.streams.info(STREAMS.dlq)).config;
    expect(dlq).toMatchObject({ max_age: 3_600e9, max_bytes: 2 * MIB });
    const os = await new Objm(nc).open(OBJECT_STORES.artifacts);
    expect((await os.status()).streamInfo.config).toMatchObject({
      max_age: 7_200e9,
      max_bytes: 4 * MIB,
    });
  });
});

describe('worker service - consumer settings', () => {
  it("worker service - without WADM_ACK_WAIT_MS keeps the consumers' ack_wait and keeps tasks alive by it", async () => {
    // Workers of earlier tests read other consumers' settings at their start: only this one runs.
    await Promise.all(workers.splice(0).map((w) => w.kill()));
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) await jsm.streams.delete(name);
    await provision(nc, { ackWaitMs: 2_000 });
    await startWorker();
    const consumer = consumerName('diagnostics', 'normal');
    expect((await jsm.consumers.info(STREAMS.tasks, consumer)).config.ack_wait).toBe(2_000e6);
    // Longer than two ack waits: only working() every third of the consumers' 2 s keeps the
    // task from being redelivered and run again.
    const client = await TaskClient.open(nc);
    const { state } = await client.submit({ type: 'diagnostics.echo', params: { sleepMs: 5_000 } });
    const done = await client.waitFor(state.owner, state.id, { timeoutMs: 30_000 });
    expect(done).toMatchObject({ status: 'SUCCESS', attempts: 1 });
  });
});
