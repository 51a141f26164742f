import { Kvm } from '@nats-io/kv';
import { BUCKETS, type ExchangeHealthRecord } from '@wadm/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, startHarness, token, uniqueUser, type Harness } from './harness.js';

let h: Harness;
let port: number;
beforeAll(async () => {
  h = await startHarness();
  ({ port } = await h.startApp());
});
afterAll(() => h?.close());

describe('exchanges API', () => {
  it('exchanges/health - any user reads every exchange as the probes left it', async () => {
    const empty = await send(port, 'GET', '/api/v1/exchanges/health', {
      token: await token(uniqueUser()),
    });
    expect(empty.status, empty.text).toBe(200);
    expect(empty.json).toEqual({ exchanges: [] });

    const kv = await new Kvm(h.nc).open(BUCKETS.exchangeHealth);
    const records: ExchangeHealthRecord[] = [
      {
        v: 1,
        name: 'okx',
        status: 'down',
        latencyMs: null,
        httpStatus: null,
        error: 'no answer within 5000 ms',
        checkedAt: '2026-01-01T00:01:00.000Z',
        changedAt: '2026-01-01T00:00:30.000Z',
        previous: 'up',
      },
      {
        v: 1,
        name: 'binance',
        status: 'up',
        latencyMs: 42,
        httpStatus: 200,
        checkedAt: '2026-01-01T00:01:00.000Z',
        changedAt: '2026-01-01T00:00:00.000Z',
        previous: null,
      },
    ];
    for (const r of records) await kv.put(r.name, JSON.stringify(r));
    const read = await send(port, 'GET', '/api/v1/exchanges/health', {
      token: await token(uniqueUser()),
    });
    expect(read.status).toBe(200);
    expect(read.json.exchanges).toEqual([records[1], records[0]]);
    expect((await send(port, 'GET', '/api/v1/exchanges/health')).status).toBe(401);
  });
});
