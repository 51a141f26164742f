import { fileURLToPath } from 'node:url';
import { createLogger } from '@wadm/runtime';
import { ManagedProcess, NatsServer } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../src/env.js';
import { startGateway } from '../src/gateway.js';

const GATEWAY_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const SECRET = 'gateway-main-test-secret-of-32-chars';

let nats: NatsServer;

beforeAll(async () => {
  nats = await NatsServer.start();
});
afterAll(async () => {
  await nats?.stop();
});

describe('startGateway', () => {
  it('startGateway - serves REST and WebSocket until stop(), which closes both once', async () => {
    const env = loadEnv({
      NATS_URL: nats.url,
      WADM_JWT_SECRET: SECRET,
      WADM_HTTP_PORT: '0',
      WADM_WS_PORT: '0',
    });
    const gateway = await startGateway(env, createLogger('gateway-test', 'silent'));
    expect((await fetch(`http://127.0.0.1:${gateway.httpPort}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${gateway.wsPort}/ws/tasks`)).status).toBe(426);

    const stopping = gateway.stop();
    expect(gateway.stop()).toBe(stopping);
    await stopping;
    await expect(fetch(`http://127.0.0.1:${gateway.httpPort}/healthz`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${gateway.wsPort}/ws/tasks`)).rejects.toThrow();
  });
});

describe('gateway main - configuration', () => {
  it.each([
    ['WADM_HTTP_PORT', { WADM_JWT_SECRET: SECRET, WADM_HTTP_PORT: '70000' }],
    ['WADM_LOG_LEVEL', { WADM_JWT_SECRET: SECRET, WADM_LOG_LEVEL: 'loud' }],
    ['WADM_JWT_SECRET', { WADM_JWT_SECRET: 'short' }],
  ])('gateway main - a bad %s stops it with code 2, naming the variable', async (name, env) => {
    const gateway = await ManagedProcess.start({
      command: process.execPath,
      args: [GATEWAY_MAIN],
      // Nothing listens on port 1: had it tried to connect, it would exit 1 instead.
      env: { NATS_URL: 'nats://127.0.0.1:1', ...env },
    });
    expect((await gateway.exited).code).toBe(2);
    expect(gateway.logs()).toMatch(new RegExp(`invalid configuration: ${name}: `));
  });
});
