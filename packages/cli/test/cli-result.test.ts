import { readFileSync, truncateSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { signDevToken } from '@wadm/auth';
import { TaskClient } from '@wadm/runtime';
import { freePort, ManagedProcess, NatsServer, pollUntil, stopAll } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startWorker, wadm } from './cli-process.js';

// The gateway as it runs in production, started by path: the CLI's REST commands talk to it.
const GATEWAY = fileURLToPath(new URL('../../../services/gateway/dist/main.js', import.meta.url));
const SECRET = 'cli-result-secret-cli-result-secret-0123';

let server: NatsServer;
let nc: NatsConnection;
let client: TaskClient;
let api: string;
let dir: string;

beforeAll(async () => {
  server = await NatsServer.start();
  const port = await freePort();
  await ManagedProcess.start({
    command: process.execPath,
    args: [GATEWAY],
    env: {
      NATS_URL: server.url,
      WADM_JWT_SECRET: SECRET,
      WADM_HTTP_PORT: String(port),
      WADM_WS_PORT: String(await freePort()),
    },
    readyWhen: /gateway ready/,
  });
  api = `http://127.0.0.1:${port}`;
  await startWorker(server.url);
  nc = await connect({ servers: server.url });
  client = await TaskClient.open(nc);
  dir = await mkdtemp(join(tmpdir(), 'wadm-result-'));
});
afterAll(async () => {
  await nc?.close();
  await stopAll();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A finished echo task of `owner`; with `resultBytes` its result is a file. */
async function finished(owner: string, params: Record<string, unknown>): Promise<string> {
  const { state } = await client.submit({ type: 'diagnostics.echo', owner, params });
  const done = await pollUntil(
    async () => {
      const now = await client.get(owner, state.id);
      return now?.status === 'SUCCESS' ? now : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 50 },
  );
  expect(done?.status).toBe('SUCCESS');
  return state.id;
}

const result = (...args: string[]) =>
  wadm(['result', ...args, '--api', api], { env: { WADM_JWT_SECRET: SECRET } });

describe('wadm result - over the gateway REST API', () => {
  it('wadm result - saves a file result, resumes a partial one, and knows a complete one', async () => {
    const id = await finished('alice', { payload: 'big', resultBytes: 200_000 });
    const file = join(dir, 'result.json');
    const first = await result(id, '-o', file);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const whole = readFileSync(file);
    expect(first.stdout).toBe(`saved ${file} (${whole.length} bytes)\n`);
    // What the gateway serves to the owner, byte for byte.
    const token = await signDevToken({ secret: SECRET, user: 'alice' });
    const served = await fetch(`${api}/api/v1/tasks/${id}/result`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(Buffer.from(await served.arrayBuffer()).equals(whole)).toBe(true);

    truncateSync(file, 1_000);
    const resumed = await result(id, '-o', file, '--json');
    expect(json(resumed)).toEqual({ file, bytes: whole.length, resumed_from: 1_000 });
    expect(readFileSync(file).equals(whole)).toBe(true);

    const again = await result(id, '-o', file, '--json');
    expect(json(again)).toEqual({ file, bytes: whole.length, resumed_from: whole.length });
  });

  it('wadm result - prints an inline JSON result', async () => {
    const id = await finished('bob', { payload: { n: 7 } });
    const run = await result(id, '--token', await signDevToken({ secret: SECRET, user: 'bob' }));
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ payload: { n: 7 } });
  });

  it("wadm result - a problem is one line with its code; another user's task is missing", async () => {
    const id = await finished('carol', { payload: 1 });
    const token = await signDevToken({ secret: SECRET, user: 'mallory' });
    const run = await result(id, '--token', token);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^wadm result: Task not found: no task "[\w-]+"\n$/);
    expect(run.stdout).toBe('');
  });

  it('wadm result - a gateway that does not answer is a failure, not a hang', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const run = await wadm(['result', 'abc', '--api', closed], {
      env: { WADM_JWT_SECRET: SECRET },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cannot reach the gateway at ${closed}: ECONNREFUSED`);
  });
});
