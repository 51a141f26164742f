import { describe, expect, it } from 'vitest';
import { natsCredentialsFromEnv } from './connection.js';
import { EnvError } from './errors.js';

describe('natsCredentialsFromEnv', () => {
  it('natsCredentialsFromEnv - none set (or empty): no credentials, the default no-auth path', () => {
    expect(natsCredentialsFromEnv({})).toBeUndefined();
    expect(natsCredentialsFromEnv({ WADM_NATS_USER: '', WADM_NATS_PASSWORD: '' })).toBeUndefined();
  });

  it('natsCredentialsFromEnv - both set: the user and password to connect with', () => {
    expect(natsCredentialsFromEnv({ WADM_NATS_USER: 'gateway', WADM_NATS_PASSWORD: 'pw' })).toEqual(
      { user: 'gateway', pass: 'pw' },
    );
  });

  it.each([
    [{ WADM_NATS_USER: 'gateway' }, 'WADM_NATS_PASSWORD'],
    [{ WADM_NATS_PASSWORD: 'pw' }, 'WADM_NATS_USER'],
  ])(
    'natsCredentialsFromEnv - one without the other is refused, naming the missing one',
    (env, name) => {
      expect(() => natsCredentialsFromEnv(env)).toThrow(EnvError);
      expect(() => natsCredentialsFromEnv(env)).toThrow(new RegExp(`^${name}: `));
    },
  );
});
