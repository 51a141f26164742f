import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { subjects, type TaskEvent, type TaskState } from '@wadm/contracts';
import { ObjectCandleStore, seedDemoData } from '@wadm/market-data';
import { ArtifactStore, connectNats, provision, TaskClient } from '@wadm/runtime';
import { ManagedProcess, NatsServer } from '@wadm/testkit';

const SERVICE_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

type Connection = Awaited<ReturnType<typeof connectNats>>;

/** A real nats-server with the demo series, and the real backtest service process on it. */
export interface ServiceHarness {
  server: NatsServer;
  nc: Connection;
  client: TaskClient;
  store: ObjectCandleStore;
  service: ManagedProcess;
  /** Submits a task for a fresh owner and waits for its terminal state. */
  run(type: string, params: unknown): Promise<TaskState>;
  /** Submits a task for a fresh owner; `events` collects its events from before the submit. */
  submit(type: string, params: unknown): Promise<{ task: TaskState; events: TaskEvent[] }>;
  finished(task: TaskState): Promise<TaskState>;
  /** A SUCCESS state's result, inline or from the artifact the runtime moved it to. */
  result(state: TaskState): Promise<unknown>;
  close(): Promise<void>;
}

export async function startService(env: Record<string, string> = {}): Promise<ServiceHarness> {
  const server = await NatsServer.start();
  const nc = await connectNats({ url: server.url, name: 'backtest-test' });
  await provision(nc);
  const store = await ObjectCandleStore.open(nc);
  await seedDemoData(store);
  const service = await ManagedProcess.start({
    command: process.execPath,
    args: [SERVICE_MAIN],
    env: { NATS_URL: server.url, WADM_HEALTH_PORT: '0', WADM_SWEEP_THREADS: '2', ...env },
    readyWhen: /backtest service ready/,
  });
  const client = await TaskClient.open(nc);
  const artifacts = await ArtifactStore.open(nc);
  const subscriptions: { unsubscribe(): void }[] = [];

  const submit = async (type: string, params: unknown) => {
    const owner = `u${randomUUID().slice(0, 8)}`;
    const events: TaskEvent[] = [];
    const sub = nc.subscribe(subjects.eventsOf(owner), {
      callback: (err, msg) => {
        if (!err) events.push(msg.json<TaskEvent>());
      },
    });
    subscriptions.push(sub);
    await nc.flush();
    const { state } = await client.submit({ type, params, owner });
    return { task: state, events };
  };
  const finished = (task: TaskState) => client.waitFor(task.owner, task.id, { timeoutMs: 45_000 });
  return {
    server,
    nc,
    client,
    store,
    service,
    submit,
    finished,
    async run(type, params) {
      return finished((await submit(type, params)).task);
    },
    async result(state) {
      if (!state.resultRef) return state.result;
      const bytes = await artifacts.get(state.resultRef.name);
      return JSON.parse(new TextDecoder().decode(bytes ?? new Uint8Array())) as unknown;
    },
    async close() {
      for (const sub of subscriptions) sub.unsubscribe();
      await service.stop();
      await nc.close();
      await server.stop();
    },
  };
}

/** The result as it crossed NATS: JSON, so typed arrays and -0 compare as the service sent them. */
export function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
