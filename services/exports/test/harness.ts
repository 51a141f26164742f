import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { subjects, type TaskEvent, type TaskState } from '@wadm/contracts';
import { generateCandles, ObjectCandleStore } from '@wadm/market-data';
import { ArtifactStore, connectNats, provision, TaskClient } from '@wadm/runtime';
import { ManagedProcess, NatsServer, pollUntil } from '@wadm/testkit';

const SERVICE_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
/** The real backtest service, run beside the exports service to produce backtests to export. */
const BACKTEST_MAIN = fileURLToPath(new URL('../../backtest/dist/main.js', import.meta.url));

type Connection = Awaited<ReturnType<typeof connectNats>>;

/** A small series every export test reads: 3000 hourly bars from 2024-01-01. */
export const SMALL = { symbol: 'TESTUSDT', timeframe: '1h', bars: 3_000 } as const;
/** A series large enough that an export of it is still running when a test stops it. */
export const LARGE = { symbol: 'BIGUSDT', timeframe: '1m', bars: 100_000 } as const;
export const SERIES_START = Date.UTC(2024, 0, 1);

/** A real nats-server with test series, the exports service process on it, a local "exchange". */
export interface ServiceHarness {
  server: NatsServer;
  nc: Connection;
  client: TaskClient;
  store: ObjectCandleStore;
  artifacts: ArtifactStore;
  service: ManagedProcess;
  /** Answers `GET /ping` with `{}`: the only exchange the service is given. */
  exchangeUrl: string;
  /** Submits a task for a fresh owner; `events` collects its events from before the submit. */
  submit(type: string, params: unknown): Promise<{ task: TaskState; events: TaskEvent[] }>;
  finished(task: TaskState): Promise<TaskState>;
  /** Runs `stop` first when the harness closes. */
  onClose(stop: () => Promise<void>): void;
  close(): Promise<void>;
}

/** Starts the backtest service on the harness's server; the harness's close stops it. */
export async function startBacktestService(h: ServiceHarness): Promise<ManagedProcess> {
  const backtest = await ManagedProcess.start({
    command: process.execPath,
    args: [BACKTEST_MAIN],
    env: { NATS_URL: h.server.url, WADM_HEALTH_PORT: '0', WADM_SWEEP_THREADS: '1' },
    readyWhen: /backtest service ready/,
  });
  h.onClose(async () => {
    await backtest.stop();
  });
  return backtest;
}

export async function startService(env: Record<string, string> = {}): Promise<ServiceHarness> {
  const server = await NatsServer.start();
  const nc = await connectNats({ url: server.url, name: 'exports-test' });
  await provision(nc);
  const store = await ObjectCandleStore.open(nc);
  for (const [series, seed, startPrice] of [
    [SMALL, 1, 42_000],
    [LARGE, 2, 2_000],
  ] as const) {
    const { candles } = generateCandles({
      seed,
      start: SERIES_START,
      bars: series.bars,
      timeframe: series.timeframe,
      startPrice,
    });
    await store.putCandles(series.symbol, series.timeframe, candles);
  }
  const exchange: Server = createServer((_req, res) => res.end('{}'));
  await new Promise<void>((resolve) => exchange.listen(0, '127.0.0.1', resolve));
  const exchangeUrl = `http://127.0.0.1:${(exchange.address() as AddressInfo).port}/ping`;
  const service = await ManagedProcess.start({
    command: process.execPath,
    args: [SERVICE_MAIN],
    env: {
      NATS_URL: server.url,
      WADM_HEALTH_PORT: '0',
      WADM_EXPORT_CHUNK_BARS: '500',
      WADM_EXCHANGES: `binance=${exchangeUrl}`,
      ...env,
    },
    readyWhen: /exports service ready/,
  });
  const client = await TaskClient.open(nc);
  const artifacts = await ArtifactStore.open(nc);
  const subscriptions: { unsubscribe(): void }[] = [];
  const stops: (() => Promise<void>)[] = [];

  return {
    server,
    nc,
    client,
    store,
    artifacts,
    service,
    exchangeUrl,
    async submit(type, params) {
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
    },
    finished: (task) => client.waitFor(task.owner, task.id, { timeoutMs: 45_000 }),
    onClose: (stop) => stops.push(stop),
    async close() {
      for (const stop of stops) await stop();
      for (const sub of subscriptions) sub.unsubscribe();
      await service.stop();
      await new Promise((resolve) => exchange.close(resolve));
      await nc.close();
      await server.stop();
    },
  };
}

/** Objects under `exports/<owner>/` that are live (not deleted). */
export async function exportsOf(artifacts: ArtifactStore, owner: string): Promise<string[]> {
  const list = await artifacts.os.list();
  return list
    .filter((o) => !o.deleted && o.name.startsWith(`exports/${owner}/`))
    .map((o) => o.name);
}

/** Waits until `condition` holds; fails the test when it does not within `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const found = await pollUntil(async () => ((await condition()) ? true : undefined), {
    timeoutMs,
    intervalMs: 50,
  });
  if (!found) throw new Error(`not within ${timeoutMs} ms: ${what}`);
}
