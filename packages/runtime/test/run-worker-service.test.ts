import { NatsServer } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, loadWorkerEnv, runWorkerService, type WorkerEnv } from '../src/index.js';

let server: NatsServer;

beforeAll(async () => {
  server = await NatsServer.start();
});
afterAll(async () => {
  await server?.stop();
});

describe('runWorkerService - embedded', () => {
  it('runWorkerService - leaves signals to its caller, hands the factory its env, stops once', async () => {
    const signals = () => process.listenerCount('SIGTERM') + process.listenerCount('SIGINT');
    const before = signals();
    const env = {
      ...loadWorkerEnv([], { healthPort: 0 }, { NATS_URL: server.url, WADM_INSTANCE: 'embedded' }),
      marker: 'own variable',
    };
    let seen: (WorkerEnv & { marker: string }) | undefined;
    const service = await runWorkerService({
      service: 'embedded',
      queues: [],
      env,
      logger: createLogger('embedded', 'silent'),
      handlers: async (ctx) => {
        seen = ctx.env;
        return { handlers: {} };
      },
    });
    expect(signals()).toBe(before);
    expect(seen).toBe(env);
    expect(service.stopTimeoutMs).toBeGreaterThan(env.graceMs);

    const stopping = service.stop();
    expect(service.stop()).toBe(stopping);
    await stopping;
    await expect(fetch(`http://127.0.0.1:${service.healthPort}/healthz`)).rejects.toThrow();
  });
});
