import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { STREAMS } from '@wadm/contracts';
import { ManagedProcess, NatsCluster } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provision, TaskClient } from '../src/index.js';

const WORKER = fileURLToPath(new URL('./fixtures/echo-worker.mjs', import.meta.url));

let cluster: NatsCluster;
let nc: NatsConnection;
let worker: ManagedProcess;

beforeAll(async () => {
  cluster = await NatsCluster.start({ size: 3 });
  nc = await connect({ servers: cluster.urls, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  await provision(nc, { replicas: 3, ackWaitMs: 2_000 });
  worker = await ManagedProcess.start({
    command: process.execPath,
    args: [WORKER],
    env: { NATS_URL: cluster.urls.join(','), WADM_HEALTH_PORT: '0', WADM_ACK_WAIT_MS: '2000' },
    readyWhen: /testworker service ready/,
  });
});
afterAll(async () => {
  await worker?.kill();
  await nc?.close();
  await cluster?.stop();
});

describe('on a 3-node cluster with R3 resources', () => {
  it('provisions replicated streams and keeps running tasks when a node dies', async () => {
    const jsm = await jetstreamManager(nc);
    const tasks = await jsm.streams.info(STREAMS.tasks);
    expect(tasks.config.num_replicas).toBe(3);

    const client = await TaskClient.open(nc);
    const before = await client.submit({ type: 'diagnostics.echo', params: { payload: 1 } });
    expect((await client.waitFor(before.state.owner, before.state.id)).status).toBe('SUCCESS');

    const leader = cluster.servers.find((s) => s.url.endsWith(`:${tasksLeaderPort(tasks)}`));
    await (leader ?? cluster.servers[0])?.kill();

    const after = await client.submit({ type: 'diagnostics.echo', params: { payload: 2 } });
    // Polled: reads fail for a moment while the cluster elects new leaders.
    const status = async (): Promise<string | undefined> =>
      (await client.get(after.state.owner, after.state.id).catch(() => null))?.status;
    await expect.poll(status, { timeout: 45_000, interval: 250 }).toBe('SUCCESS');
  });
});

/** The TASKS leader's client port, read from its server name `<cluster>-<n>`. */
function tasksLeaderPort(info: { cluster?: { leader?: string } }): string {
  const index = Number(info.cluster?.leader?.split('-').at(-1)) - 1;
  return String(cluster.servers[index]?.port ?? '');
}
