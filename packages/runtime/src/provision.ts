import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  jetstreamManager,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  BUCKETS,
  consumerName,
  OBJECT_STORES,
  PRIORITIES,
  QUEUES,
  STREAMS,
  subjects,
} from '@wadm/contracts';
import { nanos } from './time.js';

export interface ProvisionOptions {
  /**
   * 1 in development, 3 in production. Unset, new resources get 1 and existing streams keep
   * theirs; set, existing streams are scaled to it.
   */
  replicas?: number;
  /** How long a delivered task may go without ack or `working()`. @defaultValue 30000 */
  ackWaitMs?: number;
  /**
   * Cap of unacknowledged tasks per consumer. Tasks waiting out a retry delay count here, so it
   * sits well above real concurrency, which the workers' slots enforce. @defaultValue 10000
   */
  maxAckPending?: number;
  /** How long terminal task states are kept. @defaultValue 7 days */
  stateTtlMs?: number;
  /** How long events stay replayable. @defaultValue 24 hours */
  eventsMaxAgeMs?: number;
}

const DAY_MS = 86_400_000;

export function taskConsumerConfig(
  queue: (typeof QUEUES)[number],
  priority: (typeof PRIORITIES)[number],
  opts: ProvisionOptions,
): Partial<ConsumerConfig> {
  return {
    durable_name: consumerName(queue, priority),
    filter_subject: subjects.task(queue, priority),
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(opts.ackWaitMs ?? 30_000),
    // Unlimited: attempts are counted in TASK_STATE, where a crash loop is caught. A server-side
    // cap would strand the message in the stream (it is not redelivered nor removed).
    max_deliver: -1,
    max_ack_pending: opts.maxAckPending ?? 10_000,
  };
}

type StreamSpec = Partial<StreamConfig> & { name: string };

function streamConfigs(opts: ProvisionOptions): StreamSpec[] {
  const replicas = opts.replicas ?? 1;
  return [
    {
      name: STREAMS.tasks,
      subjects: [subjects.tasksAll],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
      num_replicas: replicas,
      duplicate_window: nanos(120_000),
    },
    {
      name: STREAMS.events,
      subjects: [subjects.eventsAll],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      num_replicas: replicas,
      max_age: nanos(opts.eventsMaxAgeMs ?? DAY_MS),
      discard: DiscardPolicy.Old,
    },
    {
      name: STREAMS.dlq,
      subjects: [subjects.dlqAll],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      num_replicas: replicas,
      duplicate_window: nanos(120_000),
    },
  ];
}

async function ensureStream(
  jsm: JetStreamManager,
  cfg: StreamSpec,
  replicasGiven: boolean,
): Promise<void> {
  const { name } = cfg;
  let existing: StreamConfig;
  try {
    existing = (await jsm.streams.info(name)).config;
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await jsm.streams.add(cfg);
    return;
  }
  // A service starting with the default must not scale a production R3 stream down to R1.
  const num_replicas = replicasGiven ? cfg.num_replicas : existing.num_replicas;
  await jsm.streams.update(name, { ...cfg, num_replicas });
}

async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  cfg: Partial<ConsumerConfig>,
): Promise<void> {
  const name = cfg.durable_name as string;
  try {
    await jsm.consumers.info(stream, name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await jsm.consumers.add(stream, cfg);
    return;
  }
  const { ack_wait, max_ack_pending, max_deliver } = cfg;
  await jsm.consumers.update(stream, name, { ack_wait, max_ack_pending, max_deliver });
}

function isNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.status === 404;
}

/**
 * Creates or updates every stream, consumer, bucket and object store. Safe to run from every
 * replica of every service at start.
 */
export async function provision(nc: NatsConnection, opts: ProvisionOptions = {}): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const replicasGiven = opts.replicas !== undefined;
  for (const cfg of streamConfigs(opts)) await ensureStream(jsm, cfg, replicasGiven);
  for (const queue of QUEUES) {
    for (const priority of PRIORITIES) {
      await ensureConsumer(jsm, STREAMS.tasks, taskConsumerConfig(queue, priority, opts));
    }
  }
  const replicas = opts.replicas ?? 1;
  const kvm = new Kvm(nc);
  await kvm.create(BUCKETS.taskState, {
    history: 5,
    ttl: opts.stateTtlMs ?? 7 * DAY_MS,
    replicas,
  });
  await kvm.create(BUCKETS.schedules, { history: 5, replicas });
  await kvm.create(BUCKETS.workers, { history: 1, ttl: 30_000, replicas });
  const objm = new Objm(nc);
  await objm.create(OBJECT_STORES.artifacts, { replicas });
  await objm.create(OBJECT_STORES.marketData, { replicas });
}
