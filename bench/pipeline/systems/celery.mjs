// Celery 5 (Debian's python3-celery) with Redis as broker and result backend: a prefork worker
// (one process per core by default) running a task that returns its argument, and a Python
// submitter (celery/submit.py) driven from here over pipes: it calls apply_async() and reports
// completion through Celery's own result consumer. Times are taken here, as for every system;
// the pipe hops add some tens of microseconds to each latency.
import { fileURLToPath } from 'node:url';
import { RssSampler, Tracker, measure, spawnChild } from '../lib.mjs';
import { REDIS_URL, openRedis } from '../redis.mjs';

const CELERY_DIR = fileURLToPath(new URL('../celery/', import.meta.url));
export const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';

export async function run({ celeryConcurrency, scope, ...phases }) {
  const queue = `bench-celery-${process.pid}-${Date.now()}`;
  const env = { BENCH_REDIS_URL: REDIS_URL, BENCH_CELERY_QUEUE: queue, PYTHONUNBUFFERED: '1' };
  const { redis, pid: redisPid } = await openRedis(scope);
  scope.defer(async () => {
    // The queue and kombu's binding for it; results expire on their own (result_expires).
    const keys = await redis.keys(`*${queue}*`);
    if (keys.length > 0) await redis.del(...keys);
  });

  const worker = spawnChild(
    scope,
    'celery-worker',
    PYTHON,
    [
      '-m',
      'celery',
      '-A',
      'celery_app',
      'worker',
      '--pool=prefork',
      `--concurrency=${celeryConcurrency}`,
      '--loglevel=WARNING',
      // Broker chatter a benchmark does not need (common advice for Redis brokers).
      '--without-gossip',
      '--without-mingle',
      '--without-heartbeat',
      `--hostname=bench-${process.pid}@%h`,
    ],
    { cwd: CELERY_DIR, env },
  );
  await worker.waitForLine(/^ready$/, 60_000);
  const rss = new RssSampler(worker.pid);

  const submitter = spawnChild(scope, 'celery-submitter', PYTHON, ['submit.py'], {
    cwd: CELERY_DIR,
    env,
  });
  await submitter.waitForLine(/^ready$/, 30_000);

  const tracker = new Tracker();
  const accepted = new Map();
  submitter.onLine((line) => {
    if (line.startsWith('done ')) tracker.complete(line.slice(5));
    else if (line.startsWith('ok ')) {
      const key = line.slice(3);
      accepted.get(key)?.();
      accepted.delete(key);
    }
  });
  let failure = null;
  submitter.exited.then(({ code, signal }) => {
    failure ??= new Error(`celery submitter exited (${code ?? signal}):\n${submitter.tail()}`);
    for (const settle of accepted.values()) settle(failure);
  });
  const stdin = submitter.child.stdin;
  const submit = (key) =>
    new Promise((resolve, reject) => {
      if (failure) return reject(failure);
      accepted.set(key, (err) => (err ? reject(err) : resolve()));
      // Keys submitted in one tick go down the pipe in one write.
      if (!stdin.writableCorked) {
        stdin.cork();
        process.nextTick(() => stdin.uncork());
      }
      stdin.write(`${key}\n`);
    });

  const figures = await measure({
    ...phases,
    tracker,
    submit,
    processes: { worker: worker.pid, python_submitter: submitter.pid, redis: redisPid },
  });

  const memory = rss.finish();
  await submitter.stop();
  await worker.stop();
  return {
    system: 'celery',
    ...figures,
    ...memory,
    worker_concurrency: celeryConcurrency,
    notes: `Redis ${REDIS_URL} broker and backend, prefork ×${celeryConcurrency} (peak RSS summed over the pool), apply_async() → AsyncResult.then() via the Redis result consumer`,
    ...(tracker.unknown ? { unknown_completions: tracker.unknown } : {}),
  };
}
