import { availableParallelism } from 'node:os';
import { EnvError } from '@wadm/runtime';
import { describe, expect, it } from 'vitest';
import { loadEnv } from '../../src/env.js';

describe('backtest service - env', () => {
  it('loadEnv - defaults: a sweep thread per core, candles from the object store', () => {
    const env = loadEnv({});
    expect(env.sweepThreads).toBe(availableParallelism());
    expect(env.mongoUrl).toBeUndefined();
    expect(env.concurrencyByQueue).toEqual({ backtest: 4, analysis: 4 });
  });

  it('loadEnv - reads its own variables', () => {
    const env = loadEnv({
      WADM_SWEEP_THREADS: '3',
      MONGODB_URL: 'mongodb://db:27017/wadm',
      WADM_CONCURRENCY_BACKTEST: '2',
    });
    expect(env).toMatchObject({
      sweepThreads: 3,
      mongoUrl: 'mongodb://db:27017/wadm',
      concurrencyByQueue: { backtest: 2 },
    });
  });

  it('loadEnv - a bad value names its variable', () => {
    expect(() => loadEnv({ WADM_SWEEP_THREADS: '0' })).toThrow(EnvError);
    expect(() => loadEnv({ WADM_SWEEP_THREADS: 'two' })).toThrow(/WADM_SWEEP_THREADS/);
    expect(() => loadEnv({ MONGODB_URL: 'localhost:27017' })).toThrow(/MONGODB_URL/);
  });
});
