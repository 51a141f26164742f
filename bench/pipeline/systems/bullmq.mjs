// BullMQ on the local Redis: Queue.add() from this process, one worker process returning the
// job's key, completion from QueueEvents (BullMQ's own completion notification, read from the
// queue's events stream with XREAD BLOCK). Jobs are kept after completion (BullMQ's default),
// as WADM keeps task states; the queue is obliterated at the end.
import { Queue, QueueEvents } from 'bullmq';
import { fileURLToPath } from 'node:url';
import { RssSampler, Tracker, log, measure, spawnChild } from '../lib.mjs';
import { REDIS_URL, openRedis, redisOptions } from '../redis.mjs';

export async function run({ concurrency, scope, ...phases }) {
  const name = `bench-pipeline-${process.pid}-${Date.now()}`;
  const connection = redisOptions();
  const { pid: redisPid } = await openRedis(scope);
  // The events stream is trimmed to ~maxLen; a reader that fell further behind would lose
  // completions, so it holds every event of the run (a few per job).
  const { warmup, n, rate, latencySeconds } = phases;
  const maxLen = 10 * (warmup + n + rate * latencySeconds);
  const queue = new Queue(name, { connection, streams: { events: { maxLen } } });
  scope.defer(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });
  // From the start of the (new) stream: nothing is missed before its first XREAD is issued.
  const events = new QueueEvents(name, { connection, lastEventId: '0' });
  scope.defer(() => events.close());
  await events.waitUntilReady();

  const tracker = new Tracker();
  let failed = 0;
  events.on('completed', ({ returnvalue }) => tracker.complete(returnvalue));
  events.on('failed', ({ jobId, failedReason }) => {
    if (failed++ === 0) log(`bullmq: job ${jobId} failed: ${failedReason}`);
  });

  const worker = spawnChild(
    scope,
    'bullmq-worker',
    process.execPath,
    [fileURLToPath(new URL('../workers/bullmq.mjs', import.meta.url))],
    {
      env: {
        BENCH_REDIS_URL: REDIS_URL,
        BENCH_QUEUE: name,
        BENCH_CONCURRENCY: String(concurrency),
      },
    },
  );
  await worker.waitForLine(/^ready$/, 30_000);
  const rss = new RssSampler(worker.pid);

  const submit = (key) => queue.add('echo', { key });
  const figures = await measure({
    ...phases,
    tracker,
    submit,
    processes: { worker: worker.pid, redis: redisPid },
  });

  const memory = rss.finish();
  await worker.stop();
  return {
    system: 'bullmq',
    ...figures,
    ...memory,
    worker_concurrency: concurrency,
    notes: `Redis ${REDIS_URL}, Queue.add() → Worker(concurrency ${concurrency}) → QueueEvents 'completed'; jobs kept after completion`,
    ...(failed ? { failed_jobs: failed } : {}),
    ...(tracker.unknown ? { unknown_completions: tracker.unknown } : {}),
  };
}
