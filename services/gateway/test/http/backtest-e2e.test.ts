import { connect, type NatsConnection } from '@nats-io/transport-node';
import { BacktestRunResult, validate } from '@wadm/contracts';
import { openCandleStore, seedDemoData } from '@wadm/market-data';
import type { ManagedProcess } from '@wadm/testkit';
import { NatsServer } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, startGatewayProcess, startWorkerProcess, token, uniqueUser } from './harness.js';

let nats: NatsServer;
let nc: NatsConnection;
let gateway: ManagedProcess;
let worker: ManagedProcess;
let port: number;

beforeAll(async () => {
  nats = await NatsServer.start();
  // The gateway provisions MARKET_DATA; the demo series go in before the worker reads them.
  ({ process: gateway, port } = await startGatewayProcess(nats.url));
  nc = await connect({ servers: nats.url });
  await seedDemoData((await openCandleStore({ nats: nc })).store);
  worker = await startWorkerProcess(nats.url);
}, 120_000);
afterAll(async () => {
  await worker?.stop();
  await gateway?.stop();
  await nc?.close();
  await nats?.stop();
});

describe('gateway and backtest processes', () => {
  it('e2e - a backtest submitted over REST runs on the demo data and its result comes back', async () => {
    const t = await token(uniqueUser());
    const series = await send(port, 'GET', '/api/v1/market-data', { token: t });
    expect(series.json.series).toContainEqual(
      expect.objectContaining({ symbol: 'BTCUSDT', timeframe: '1h' }),
    );

    const accepted = await send(port, 'POST', '/api/v1/tasks', {
      token: t,
      body: {
        type: 'backtest.run',
        params: {
          symbol: 'BTCUSDT',
          timeframe: '1h',
          strategy: { name: 'sma_cross', params: { fast: 10, slow: 50 } },
        },
      },
    });
    expect(accepted.status).toBe(202);
    const id = accepted.json.task_id as string;
    await expect
      .poll(
        async () => (await send(port, 'GET', `/api/v1/tasks/${id}`, { token: t })).json.status,
        { timeout: 60_000, interval: 100 },
      )
      .toBe('SUCCESS');

    // Inline JSON or, for a long equity curve, the artifact streamed as JSON: the same shape.
    const result = await send(port, 'GET', `/api/v1/tasks/${id}/result`, { token: t });
    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toMatch(/^application\/json/);
    expect(validate(BacktestRunResult, result.json)).toEqual([]);
    expect(result.json.metrics.initialCapital).toBe(10_000);
    expect(result.json.metrics.trades).toBeGreaterThan(0);
    expect(result.json.trades).toHaveLength(result.json.metrics.trades);
    expect(result.json.trades[0]).toMatchObject({ side: 'long' });
    expect(Date.parse(result.json.trades[0].entryTime)).toBeGreaterThanOrEqual(
      Date.UTC(2022, 0, 1),
    );
  });
});
