import { EnvError } from '@wadm/runtime';
import { describe, expect, it } from 'vitest';
import { loadEnv } from './env.js';

const SECRET = 'gateway-env-test-secret-of-32-chars!';

describe('gateway env', () => {
  it('loadEnv - defaults: ports 8000 and 8001, gateway-<pid>, the shared variables', () => {
    expect(loadEnv({ WADM_JWT_SECRET: SECRET })).toMatchObject({
      natsUrl: 'nats://127.0.0.1:4222',
      instance: `gateway-${process.pid}`,
      logLevel: 'info',
      provision: true,
      httpPort: 8000,
      wsPort: 8001,
      mongoUrl: undefined,
    });
  });

  it.each([
    ['WADM_HTTP_PORT', '70000'],
    ['WADM_WS_PORT', 'ws'],
    ['NATS_URL', 'http://nats:4222'],
    ['WADM_LOG_LEVEL', 'loud'],
    ['MONGODB_URL', 'localhost:27017'],
  ])('loadEnv - refuses %s=%s naming it', (name, value) => {
    expect(() => loadEnv({ WADM_JWT_SECRET: SECRET, [name]: value })).toThrow(EnvError);
    expect(() => loadEnv({ WADM_JWT_SECRET: SECRET, [name]: value })).toThrow(
      new RegExp(`^${name}: `),
    );
  });

  it('loadEnv - needs a JWT secret or a JWKS URL', () => {
    expect(() => loadEnv({})).toThrow(/^WADM_JWT_SECRET: /);
  });
});
