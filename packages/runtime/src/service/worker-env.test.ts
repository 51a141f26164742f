import { describe, expect, it } from 'vitest';
import { EnvError } from '../errors.js';
import { loadWorkerEnv } from './worker-env.js';

const load = (env: Record<string, string>) =>
  loadWorkerEnv(['backtest'], { healthPort: 9101 }, env);

describe('loadWorkerEnv - health host', () => {
  it('loadWorkerEnv - listens on loopback unless told otherwise', () => {
    expect(load({}).healthHost).toBe('127.0.0.1');
    expect(load({ WADM_HEALTH_HOST: '' }).healthHost).toBe('127.0.0.1');
  });

  it.each(['0.0.0.0', '::', '::1', '10.1.2.3', 'fd00::2', 'localhost', 'worker-0.wadm.svc'])(
    'loadWorkerEnv - takes %s as WADM_HEALTH_HOST',
    (host) => {
      expect(load({ WADM_HEALTH_HOST: host }).healthHost).toBe(host);
    },
  );

  it.each([
    '[::1]',
    '10.0.0.256',
    '0.0.0.0:9101',
    'http://0.0.0.0',
    'host name',
    '-worker',
    'a..b',
    'x'.repeat(64),
  ])('loadWorkerEnv - refuses %s naming WADM_HEALTH_HOST', (host) => {
    expect(() => load({ WADM_HEALTH_HOST: host })).toThrow(EnvError);
    expect(() => load({ WADM_HEALTH_HOST: host })).toThrow(/^WADM_HEALTH_HOST: /);
  });
});

describe('loadWorkerEnv - provisioning limits', () => {
  it('loadWorkerEnv - unset limits stay unset, so existing streams keep theirs', () => {
    expect(load({})).toMatchObject({
      artifactsMaxAgeMs: undefined,
      artifactsMaxBytes: undefined,
      dlqMaxAgeMs: undefined,
      dlqMaxBytes: undefined,
    });
  });

  it('loadWorkerEnv - reads ages in seconds and sizes in bytes', () => {
    const env = load({
      WADM_ARTIFACTS_MAX_AGE_S: '86400',
      WADM_ARTIFACTS_MAX_BYTES: '10737418240',
      WADM_DLQ_MAX_AGE_S: '2592000',
      WADM_DLQ_MAX_BYTES: '1073741824',
    });
    expect(env).toMatchObject({
      artifactsMaxAgeMs: 86_400_000,
      artifactsMaxBytes: 10_737_418_240,
      dlqMaxAgeMs: 2_592_000_000,
      dlqMaxBytes: 1_073_741_824,
    });
  });

  it.each([
    ['WADM_ARTIFACTS_MAX_AGE_S', '0'],
    ['WADM_ARTIFACTS_MAX_AGE_S', '7d'],
    ['WADM_ARTIFACTS_MAX_BYTES', '-1'],
    ['WADM_DLQ_MAX_AGE_S', '3599'],
    ['WADM_DLQ_MAX_BYTES', '1GiB'],
    ['WADM_DLQ_MAX_BYTES', '1024'],
  ])('loadWorkerEnv - refuses %s=%s naming it', (name, value) => {
    expect(() => load({ [name]: value })).toThrow(new RegExp(`^${name}: `));
  });
});
