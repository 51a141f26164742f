import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { isTerminal, type TaskState } from '@wadm/contracts';
import { ManagedProcess, NatsServer } from '@wadm/testkit';
import { provision, TaskClient, type SubmitRequest } from '../src/index.js';

const WORKER = fileURLToPath(new URL('./fixtures/echo-worker.mjs', import.meta.url));

/** Short enough that a dead worker's task comes back within a test, long enough for 2 cores. */
export const TEST_ACK_WAIT_MS = 2_000;

export interface Harness {
  server: NatsServer;
  nc: NatsConnection;
  client: TaskClient;
  /** Starts a worker process; resolves once it is pulling. */
  startWorker(env?: Record<string, string>): Promise<ManagedProcess>;
  submitEcho(params: Record<string, unknown>, extra?: Partial<SubmitRequest>): Promise<TaskState>;
  /** Waits for a terminal state (or `until`). */
  waitFor(task: TaskState, until?: (s: TaskState) => boolean): Promise<TaskState>;
  /** SIGKILLs every worker this harness started. */
  stopWorkers(): Promise<void>;
  close(): Promise<void>;
}

/** A real nats-server, provisioned, with a client connection; workers are real processes. */
export async function startHarness(): Promise<Harness> {
  const server = await NatsServer.start();
  const nc = await connect({
    servers: server.url,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
  });
  await provision(nc, { ackWaitMs: TEST_ACK_WAIT_MS });
  const client = await TaskClient.open(nc);
  const workers: ManagedProcess[] = [];
  const stopWorkers = async (): Promise<void> => {
    await Promise.all(workers.splice(0).map((w) => w.kill()));
  };
  return {
    server,
    nc,
    client,
    async startWorker(env = {}) {
      const worker = await ManagedProcess.start({
        command: process.execPath,
        args: [WORKER],
        env: {
          NATS_URL: server.url,
          WADM_HEALTH_PORT: '0',
          WADM_ACK_WAIT_MS: String(TEST_ACK_WAIT_MS),
          WADM_ALLOW_CRASH: '1',
          ...env,
        },
        readyWhen: /testworker service ready/,
      });
      workers.push(worker);
      return worker;
    },
    async submitEcho(params, extra = {}) {
      const { state } = await client.submit({ type: 'diagnostics.echo', params, ...extra });
      return state;
    },
    waitFor(task, until = (s) => isTerminal(s.status)) {
      return client.waitFor(task.owner, task.id, { until, timeoutMs: 45_000 });
    },
    stopWorkers,
    async close() {
      await stopWorkers();
      await nc.close();
      await server.stop();
    },
  };
}
