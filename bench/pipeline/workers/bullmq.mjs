// BullMQ worker: returns the job's key (the same no-op work as diagnostics.echo); the submitter
// learns of completion from QueueEvents, which carries the return value.
import { Worker } from 'bullmq';
import { guardLifetime } from './common.mjs';
import { redisOptions } from '../redis.mjs';

const { BENCH_QUEUE } = process.env;
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);

const worker = new Worker(BENCH_QUEUE, async (job) => job.data.key, {
  connection: redisOptions(),
  concurrency,
});
worker.on('error', (err) => process.stderr.write(`bullmq-worker: ${err.message}\n`));
guardLifetime('bullmq-worker', () => worker.close());
await worker.waitUntilReady();
process.stdout.write('ready\n');
