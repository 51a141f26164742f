// Raw JetStream ceiling: publish + consume + ack, no state. A private nats-server (file
// storage), a WorkQueue stream, one durable pull consumer; the worker process consume()s,
// ack()s and publishes the task key on a core-NATS subject this submitter subscribes to.
import { connect } from '@nats-io/transport-node';
import { jetstreamManager, jetstream } from '@nats-io/jetstream';
import { fileURLToPath } from 'node:url';
import { RssSampler, Tracker, measure, spawnChild, startNatsServer } from '../lib.mjs';

const STREAM = 'BENCH_RAW';
const SUBJECT = 'bench.raw.tasks';
const DURABLE = 'worker';
const DONE = 'bench.raw.done';
const MAX_MESSAGES = 1000;

export async function run({ scope, ...phases }) {
  const server = await startNatsServer(scope, 'nats-raw');
  const nc = await connect({ servers: server.url, name: 'bench-raw-submitter' });
  scope.defer(() => nc.close());
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({
    name: STREAM,
    subjects: [SUBJECT],
    retention: 'workqueue',
    storage: 'file',
  });
  await jsm.consumers.add(STREAM, {
    durable_name: DURABLE,
    ack_policy: 'explicit',
    max_ack_pending: MAX_MESSAGES,
  });
  const js = jetstream(nc);

  const tracker = new Tracker();
  nc.subscribe(DONE, { callback: (err, m) => err || tracker.complete(m.string()) });
  await nc.flush();

  const worker = spawnChild(
    scope,
    'raw-worker',
    process.execPath,
    [fileURLToPath(new URL('../workers/raw.mjs', import.meta.url))],
    {
      env: {
        BENCH_NATS_URL: server.url,
        BENCH_STREAM: STREAM,
        BENCH_DURABLE: DURABLE,
        BENCH_DONE_SUBJECT: DONE,
        BENCH_MAX_MESSAGES: String(MAX_MESSAGES),
      },
    },
  );
  await worker.waitForLine(/^ready$/, 30_000);
  const rss = new RssSampler(worker.pid);
  const serverRss = new RssSampler(server.pid);

  const submit = (key) => js.publish(SUBJECT, key);
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
    system: 'raw',
    ...figures,
    ...memory,
    server_peak_rss_mb: serverMemory.worker_peak_rss_mb,
    notes: `nats-server ${server.url} file storage, WorkQueue stream, durable pull consumer, consume({max_messages:${MAX_MESSAGES}}) + ack() + core-NATS completion publish`,
    ...(tracker.unknown ? { unknown_completions: tracker.unknown } : {}),
  };
}
