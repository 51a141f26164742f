import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  scheduleSpecErrors,
  STREAMS,
  type Schedule,
  type ScheduleSpec,
  type TaskState,
} from '@wadm/contracts';
import { createLogger, provision, ScheduleStore, TaskClient } from '@wadm/runtime';
import { ManagedProcess, NatsServer } from '@wadm/testkit';
import { loadEnv } from '../src/env.js';
import { startScheduler, type RunningScheduler } from '../src/scheduler.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
/** The runtime's diagnostics-only worker: runs the echo tasks the schedules submit. */
const ECHO_WORKER = createRequire(import.meta.url).resolve('@wadm/runtime/echo-worker');

export interface Harness {
  server: NatsServer;
  nc: NatsConnection;
  client: TaskClient;
  store: ScheduleStore;
  /** A scheduler replica as a process (`node dist/main.js`). */
  startReplica(env?: Record<string, string>): Promise<ManagedProcess>;
  /** A scheduler in this process, for tests that need no process boundary. */
  startInProcess(env?: Record<string, string>): Promise<RunningScheduler>;
  startEchoWorker(): Promise<ManagedProcess>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const server = await NatsServer.start();
  const nc = await connect({ servers: server.url, maxReconnectAttempts: -1 });
  await provision(nc, { ackWaitMs: 5_000 });
  const client = await TaskClient.open(nc);
  const store = await ScheduleStore.open(nc);
  const processes: ManagedProcess[] = [];
  const inProcess: RunningScheduler[] = [];
  const baseEnv = (env: Record<string, string>): Record<string, string> => ({
    NATS_URL: server.url,
    WADM_SEED_SCHEDULES: '0',
    WADM_PROVISION: '0',
    WADM_LOG_LEVEL: 'info',
    WADM_HEALTH_PORT: '0',
    ...env,
  });
  return {
    server,
    nc,
    client,
    store,
    async startReplica(env = {}) {
      const proc = await ManagedProcess.start({
        command: process.execPath,
        args: [MAIN],
        env: baseEnv(env),
        readyWhen: /scheduler ready/,
      });
      processes.push(proc);
      return proc;
    },
    async startInProcess(env = {}) {
      const running = await startScheduler(
        loadEnv(baseEnv(env)),
        createLogger('scheduler-test', 'silent'),
      );
      inProcess.push(running);
      return running;
    },
    async startEchoWorker() {
      const proc = await ManagedProcess.start({
        command: process.execPath,
        args: [ECHO_WORKER],
        env: { NATS_URL: server.url, WADM_HEALTH_PORT: '0', WADM_ACK_WAIT_MS: '5000' },
        readyWhen: /testworker service ready/,
      });
      processes.push(proc);
      return proc;
    },
    async close() {
      await Promise.all(inProcess.map((s) => s.stop()));
      await Promise.all(processes.map((p) => p.stop()));
      await nc.close();
      await server.stop();
    },
  };
}

let owners = 0;
export function uniqueOwner(prefix = 's'): string {
  return `${prefix}${process.pid}_${++owners}`;
}

/** A stored schedule from a partial spec (defaults filled in as the gateway fills them). */
export function makeSchedule(
  owner: string,
  spec: Partial<ScheduleSpec> & Pick<ScheduleSpec, 'id'>,
  at = new Date(),
): Schedule {
  const full = structuredClone(spec) as ScheduleSpec;
  const errors = scheduleSpecErrors(full);
  if (errors.length > 0) throw new Error(`bad test schedule: ${JSON.stringify(errors)}`);
  const iso = at.toISOString();
  return { ...full, v: 1, owner, createdAt: iso, updatedAt: iso, history: [] };
}

/** Writes a spec change as the gateway does: the spec and `updatedAt`, history kept. */
export async function editSchedule(
  store: ScheduleStore,
  owner: string,
  id: string,
  change: Partial<ScheduleSpec>,
): Promise<Date> {
  const at = new Date();
  await store.mutate(owner, id, (s) => ({ ...s, ...change, updatedAt: at.toISOString() }));
  return at;
}

/** Every task of `owner` with its fire time (from its idempotency key `<id>@<time>`). */
export async function firedTasks(
  client: TaskClient,
  owner: string,
  scheduleId: string,
): Promise<{ at: number; task: TaskState }[]> {
  const page = await client.list(owner, { limit: 1000 });
  return page.tasks
    .filter((t) => t.idempotencyKey?.startsWith(`${scheduleId}@`))
    .map((task) => ({ at: Date.parse(task.idempotencyKey?.split('@')[1] ?? ''), task }))
    .sort((a, b) => a.at - b.at);
}

/** Messages the TASKS stream holds on one subject: one per published command. */
export async function messagesOn(nc: NatsConnection, subject: string): Promise<number> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(STREAMS.tasks, { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
