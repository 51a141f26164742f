import type { ManagedProcess } from '@wadm/testkit';
import { NatsServer } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, startGatewayProcess, startWorkerProcess, token, uniqueUser } from './harness.js';

let nats: NatsServer;
let gateway: ManagedProcess;
let worker: ManagedProcess;
let port: number;

beforeAll(async () => {
  nats = await NatsServer.start();
  // The gateway provisions the streams and buckets the worker then finds.
  ({ process: gateway, port } = await startGatewayProcess(nats.url));
  worker = await startWorkerProcess(nats.url);
});
afterAll(async () => {
  await worker?.stop();
  await gateway?.stop();
  await nats?.stop();
});

describe('gateway process', () => {
  it('e2e - submit through the REST API, a worker runs it, the result comes back', async () => {
    const t = await token(uniqueUser(), true);
    const accepted = await send(port, 'POST', '/api/v1/tasks/bulk', {
      token: t,
      body: {
        tasks: [
          { type: 'diagnostics.echo', params: { payload: { n: 1 } } },
          { type: 'diagnostics.echo', params: { payload: 'large', resultBytes: 200_000 } },
        ],
      },
    });
    expect(accepted.status).toBe(202);
    const [small, large] = accepted.json.results.map((r: { task_id: string }) => r.task_id);
    for (const id of [small, large]) {
      await expect
        .poll(
          async () => (await send(port, 'GET', `/api/v1/tasks/${id}`, { token: t })).json.status,
          {
            timeout: 30_000,
          },
        )
        .toBe('SUCCESS');
    }
    const inline = await send(port, 'GET', `/api/v1/tasks/${small}/result`, { token: t });
    expect(inline.json.payload).toEqual({ n: 1 });
    const artifact = await send(port, 'GET', `/api/v1/tasks/${large}/result`, { token: t });
    expect(artifact.headers['content-disposition']).toContain(`${large}.json`);
    expect(artifact.json.padding).toHaveLength(200_000);

    expect((await send(port, 'GET', '/readyz')).status).toBe(200);
    expect(gateway.logs()).toContain('gateway ready');
  });

  it('e2e - SIGTERM stops the gateway cleanly', async () => {
    const extra = await startGatewayProcess(nats.url, { WADM_PROVISION: 'false' });
    expect((await send(extra.port, 'GET', '/healthz')).status).toBe(200);
    const status = await extra.process.stop();
    expect(status.code).toBe(0);
  });
});
