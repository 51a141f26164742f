// WADM end to end: a private nats-server provisioned by @wadm/runtime, the real backtest service
// process as the worker (every service serves diagnostics.echo on queue `diagnostics`), and
// TaskClient.submit() from this process: PENDING state in TASK_STATE + command on TASKS, then
// the worker's STARTED and SUCCESS state writes and events.
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { STREAMS, SYSTEM_OWNER, consumerName, subjects } from '@wadm/contracts';
import { TaskClient, connectNats, provision } from '@wadm/runtime';
import { WORKER_NODE_FLAGS } from '../../../scripts/start/node-flags.mjs';
import { RssSampler, Tracker, log, measure, sleep, spawnChild, startNatsServer } from '../lib.mjs';

// BENCH_WADM_SERVICE_MAIN: another build of the service (e.g. a patched runtime) to compare.
const SERVICE_MAIN =
  process.env.BENCH_WADM_SERVICE_MAIN ??
  fileURLToPath(new URL('../../../services/backtest/dist/main.js', import.meta.url));
const TASK_CONSUMER = consumerName('diagnostics', 'normal');

export async function run({ concurrency, scope, ...phases }) {
  const server = await startNatsServer(scope, 'nats-wadm');
  // The runtime's own connection options, as the gateway and scheduler use them.
  const nc = await connectNats({ url: server.url, name: 'bench-wadm-submitter' });
  scope.defer(() => nc.close());
  await provision(nc);
  const client = await TaskClient.open(nc);

  // Completion is the terminal event, on a core-NATS subscription to events.tasks.system.>: the
  // worker publishes it anyway (after the SUCCESS state is written), so listening adds one
  // fan-out of a message that exists already. Watching TASK_STATE instead would add a
  // JetStream push consumer delivering every revision (PENDING, STARTED, SUCCESS) with flow
  // control, work on the server that a real client does not cause; TaskClient.waitFor() would
  // even create a watcher per task.
  const tracker = new Tracker();
  let failures = 0;
  nc.subscribe(subjects.eventsOf(SYSTEM_OWNER), {
    callback: (err, m) => {
      if (err) return;
      const body = m.string();
      // PENDING and STARTED events come on the same subjects; skip them without parsing.
      if (body.includes('"status":"SUCCESS"')) tracker.complete(JSON.parse(body).result.payload);
      else if (/"status":"(FAILURE|REVOKED)"/.test(body) && failures++ === 0) {
        log(`wadm: task did not succeed: ${body}`);
      }
    },
  });
  await nc.flush();

  // The worker runs with the flags `npm start` gives it; BENCH_WORKER_NODE_ARGS replaces them
  // (e.g. --cpu-prof, or '' set to a space for V8's defaults).
  const nodeArgs =
    process.env.BENCH_WORKER_NODE_ARGS === undefined
      ? WORKER_NODE_FLAGS
      : process.env.BENCH_WORKER_NODE_ARGS.split(' ').filter(Boolean);
  const worker = spawnChild(scope, 'wadm-worker', process.execPath, [...nodeArgs, SERVICE_MAIN], {
    env: {
      NATS_URL: server.url,
      WADM_HEALTH_PORT: '0',
      WADM_LOG_LEVEL: 'warn',
      WADM_CONCURRENCY: String(concurrency),
      WADM_INSTANCE: 'bench',
    },
  });
  await waitForPulls(nc, worker);
  const rss = new RssSampler(worker.pid);
  const serverRss = new RssSampler(server.pid);

  const submit = (key) => client.submit({ type: 'diagnostics.echo', params: { payload: key } });
  const figures = await measure({
    ...phases,
    tracker,
    submit,
    processes: { worker: worker.pid, server: server.pid },
  });

  const memory = rss.finish();
  const serverMemory = serverRss.finish();
  await worker.stop();
  return {
    system: 'wadm',
    ...figures,
    ...memory,
    worker_concurrency: concurrency,
    server_peak_rss_mb: serverMemory.worker_peak_rss_mb,
    notes: `nats-server ${server.url} file storage, provision() defaults; worker: node ${nodeArgs.join(' ')} services/backtest/dist/main.js WADM_CONCURRENCY=${concurrency}; TaskClient.submit() → SUCCESS event on events.tasks.system.>`,
    ...(failures ? { failed_tasks: failures } : {}),
    ...(tracker.unknown ? { unknown_completions: tracker.unknown } : {}),
  };
}

/**
 * The service logs at warn, so it announces nothing when ready: wait until it has a pull
 * request waiting on the diagnostics consumer, i.e. its queue runner is fetching.
 */
async function waitForPulls(nc, worker, timeoutMs = 30_000) {
  const jsm = await jetstreamManager(nc);
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void worker.exited.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`wadm worker exited during start:\n${worker.tail()}`);
    const info = await jsm.consumers.info(STREAMS.tasks, TASK_CONSUMER);
    if (info.num_waiting > 0) return;
    if (Date.now() > deadline) throw new Error(`wadm worker not pulling after ${timeoutMs} ms`);
    await sleep(100);
  }
}
