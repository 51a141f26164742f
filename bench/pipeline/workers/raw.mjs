// Raw JetStream worker: consume() from a durable pull consumer, ack(), then publish the task's
// payload (its key) on a core-NATS completion subject. No state, no work.
import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { guardLifetime } from './common.mjs';

const { BENCH_NATS_URL, BENCH_STREAM, BENCH_DURABLE, BENCH_DONE_SUBJECT } = process.env;
const maxMessages = Number(process.env.BENCH_MAX_MESSAGES ?? 1000);

const nc = await connect({ servers: BENCH_NATS_URL, name: 'bench-raw-worker' });
const js = jetstream(nc);
const consumer = await js.consumers.get(BENCH_STREAM, BENCH_DURABLE);
const messages = await consumer.consume({ max_messages: maxMessages });
guardLifetime('raw-worker', async () => {
  await messages.close();
  await nc.drain();
});
process.stdout.write('ready\n');
for await (const m of messages) {
  m.ack();
  nc.publish(BENCH_DONE_SUBJECT, m.data);
}
