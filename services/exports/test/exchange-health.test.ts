import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TASK_CATALOG, validate } from '@wadm/contracts';
import { createLogger, NonRetryableError, type TaskContext } from '@wadm/runtime';
import { freePort } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EXCHANGES, loadEnv } from '../src/env.js';
import { createExchangeHealthHandler } from '../src/handlers/exchange-health.js';

type Params = { exchanges: string[] };

function context(params: Params, signal = new AbortController().signal): TaskContext<Params> {
  return {
    id: 't1',
    owner: 'ops',
    type: 'maintenance.exchange_health',
    params,
    attempt: 1,
    maxAttempts: 1,
    signal,
    progress: () => {},
    logger: createLogger('exchange-health-test', 'silent'),
    artifacts: undefined as never,
    worker: 'test.1',
  };
}

describe('maintenance.exchange_health', () => {
  let server: Server;
  let base: string;
  const pending: (() => void)[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/ok') return res.end('{}');
      if (req.url === '/slow') return void setTimeout(() => res.end('{}'), 1_000);
      if (req.url === '/busy') {
        res.statusCode = 503;
        return res.end('maintenance');
      }
      // /hang: never answers within the probe's timeout
      pending.push(() => res.end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const end of pending) end();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('maintenance.exchange_health - up, degraded (slow, HTTP 503) and down (timeout, refused)', async () => {
    const refused = `http://127.0.0.1:${await freePort()}/`;
    const env = loadEnv({
      WADM_EXCHANGES: `fast=${base}/ok,slow=${base}/slow,busy=${base}/busy,hang=${base}/hang,gone=${refused}`,
      WADM_EXCHANGE_TIMEOUT_MS: '2500',
      WADM_EXCHANGE_SLOW_MS: '600',
    });
    const handler = createExchangeHealthHandler(env);
    const started = Date.now();
    const result = await handler(context({ exchanges: ['fast', 'slow', 'busy', 'hang', 'gone'] }));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(validate(TASK_CATALOG['maintenance.exchange_health'].result, result)).toEqual([]);
    const byName = Object.fromEntries(result.exchanges.map((e) => [e.name, e]));
    expect(byName['fast']).toMatchObject({ status: 'up', httpStatus: 200 });
    expect(byName['fast']?.latencyMs).toBeLessThan(600);
    expect(byName['slow']).toMatchObject({ status: 'degraded', httpStatus: 200 });
    expect(byName['slow']?.latencyMs).toBeGreaterThanOrEqual(950);
    expect(byName['busy']).toMatchObject({
      status: 'degraded',
      httpStatus: 503,
      error: 'HTTP 503',
    });
    expect(byName['hang']).toMatchObject({
      status: 'down',
      httpStatus: null,
      latencyMs: null,
      error: 'no answer within 2500 ms',
    });
    expect(byName['gone']).toMatchObject({ status: 'down', httpStatus: null });
    expect(byName['gone']?.error).toContain('ECONNREFUSED');
  });

  it('maintenance.exchange_health - an exchange with no URL fails without retry, listing the known ones', async () => {
    const handler = createExchangeHealthHandler(loadEnv({ WADM_EXCHANGES: `fast=${base}/ok` }));
    const run = handler(context({ exchanges: ['fast', 'kraken'] }));
    await expect(run).rejects.toBeInstanceOf(NonRetryableError);
    await expect(run).rejects.toThrow('no URL configured for kraken; WADM_EXCHANGES has fast');
  });

  it('loadEnv - WADM_EXCHANGES defaults to the public ping endpoints and refuses bad pairs', () => {
    expect(loadEnv({}).exchanges).toEqual(DEFAULT_EXCHANGES);
    expect(Object.keys(DEFAULT_EXCHANGES)).toEqual(['binance', 'bybit', 'okx', 'coinbase']);
    expect(loadEnv({ WADM_EXCHANGES: 'a=http://127.0.0.1:1/x, b=https://h/y' }).exchanges).toEqual({
      a: 'http://127.0.0.1:1/x',
      b: 'https://h/y',
    });
    expect(() => loadEnv({ WADM_EXCHANGES: 'binance' })).toThrow('WADM_EXCHANGES');
    expect(() => loadEnv({ WADM_EXCHANGES: 'Bad Name=http://h/' })).toThrow('WADM_EXCHANGES');
    expect(() => loadEnv({ WADM_EXCHANGES: 'x=ftp://h/' })).toThrow('expected an http(s) URL');
    expect(loadEnv({}).concurrencyByQueue).toEqual({ exports: 4, maintenance: 4 });
  });
});
