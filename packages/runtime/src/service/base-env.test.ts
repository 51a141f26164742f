import { describe, expect, it } from 'vitest';
import { loadBaseEnv } from './base-env.js';
import { EnvError } from '../errors.js';
import { mongoUrlVar, portVar } from './env-schema.js';

describe('loadBaseEnv', () => {
  it('loadBaseEnv - defaults: local NATS, info, provisioning on, <hostname>-<pid>', () => {
    const env = loadBaseEnv({});
    expect(env).toMatchObject({
      natsUrl: 'nats://127.0.0.1:4222',
      logLevel: 'info',
      provision: true,
    });
    expect(env.instance).toMatch(new RegExp(`-${process.pid}$`));
  });

  it('loadBaseEnv - a service may choose its own default instance name', () => {
    expect(loadBaseEnv({}, { instance: 'gateway-1' }).instance).toBe('gateway-1');
    expect(loadBaseEnv({ WADM_INSTANCE: 'gw-a' }, { instance: 'gateway-1' }).instance).toBe('gw-a');
  });

  it.each([
    ['NATS_URL', 'localhost:4222'],
    ['WADM_INSTANCE', 'a.b'],
    ['WADM_LOG_LEVEL', 'loud'],
    ['WADM_PROVISION', 'maybe'],
  ])('loadBaseEnv - refuses %s=%s naming it', (name, value) => {
    expect(() => loadBaseEnv({ [name]: value })).toThrow(EnvError);
    expect(() => loadBaseEnv({ [name]: value })).toThrow(new RegExp(`^${name}: `));
  });
});

describe('portVar and mongoUrlVar', () => {
  it('portVar - takes 0 to 65535, refuses anything else naming the variable', () => {
    expect(portVar({}, 'P', 8000)).toBe(8000);
    expect(portVar({ P: '0' }, 'P', 8000)).toBe(0);
    expect(portVar({ P: '65535' }, 'P', 8000)).toBe(65_535);
    expect(() => portVar({ P: '65536' }, 'P', 8000)).toThrow(/^P: /);
    expect(() => portVar({ P: '-1' }, 'P', 8000)).toThrow(/^P: /);
  });

  it('mongoUrlVar - unset is undefined, a mongodb URL is kept, anything else refused', () => {
    expect(mongoUrlVar({})).toBeUndefined();
    expect(mongoUrlVar({ MONGODB_URL: '' })).toBeUndefined();
    expect(mongoUrlVar({ MONGODB_URL: 'mongodb+srv://db/wadm' })).toBe('mongodb+srv://db/wadm');
    expect(() => mongoUrlVar({ MONGODB_URL: 'localhost:27017' })).toThrow(/^MONGODB_URL: /);
  });
});
