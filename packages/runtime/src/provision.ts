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
  /**
   * How long a delivered task may go without ack or `working()`. Unset, new consumers get the
   * default and existing ones keep theirs; set, existing consumers are changed. @defaultValue 30000
   */
  ackWaitMs?: number;
  /**
   * Cap of unacknowledged tasks per consumer (set/unset as `ackWaitMs`). Tasks waiting out a
   * retry delay count here, so it sits well above real concurrency, which the workers' slots
   * enforce. @defaultValue 10000
   */
  maxAckPending?: number;
  /** How long terminal task states are kept. @defaultValue 7 days */
  stateTtlMs?: number;
  /**
   * How long events stay replayable. Like every limit below: unset, a new stream gets the
   * default and an existing one keeps its own (an operator may have changed it); set, it is
   * applied to an existing stream too. @defaultValue 24 hours
   */
  eventsMaxAgeMs?: number;
  /** Age at which an ARTIFACTS object expires. @defaultValue 7 days */
  artifactsMaxAgeMs?: number;
  /**
   * Cap of the ARTIFACTS store. An object store discards new: when full, a put fails (the task
   * comes back after its ack wait) until older objects expire. @defaultValue 512 MiB
   */
  artifactsMaxBytes?: number;
  /** Age at which a dead letter is dropped. @defaultValue 30 days */
  dlqMaxAgeMs?: number;
  /** Cap of TASKS_DLQ; when full the oldest letters go (discard old). @defaultValue 128 MiB */
  dlqMaxBytes?: number;
}

const DAY_MS = 86_400_000;
const MIB = 1_048_576;

/*
 * ARTIFACTS and TASKS_DLQ are bounded so that neither a flood of large results nor a storm of
 * dead letters can fill the server's disk and stop every stream. nats-server reserves a stream's
 * max_bytes out of its max_file_store when the stream is created, and refuses a new stream, even
 * an unbounded one, once the reservations reach it (10047 "insufficient storage resources
 * available", checked on 2.9.10). So the defaults are sized to fit a small server, together well
 * under 1 GiB (the test servers' cap, and a fraction of a 10 GiB Kubernetes volume); production
 * sets the env vars to its volume:
 * - ARTIFACTS 7 days: the same as TASK_STATE's TTL, so a result and the artifact it points to
 *   expire together. 512 MiB: a week of PDFs and exports at a modest rate.
 * - TASKS_DLQ 30 days: a month for someone to look at a failure and replay it. 128 MiB: a dead
 *   letter is its command plus an error record, about 1-4 KiB, so some tens of thousands of
 *   letters; past that the newest are the ones worth keeping.
 */
const ARTIFACTS_MAX_AGE_MS = 7 * DAY_MS;
const ARTIFACTS_MAX_BYTES = 512 * MIB;
const DLQ_MAX_AGE_MS = 30 * DAY_MS;
const DLQ_MAX_BYTES = 128 * MIB;

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

/** Settings an operator may change on a live stream: start-up must not undo that. */
type Tunable = 'num_replicas' | 'max_age' | 'max_bytes';

interface StreamSpec {
  config: Partial<StreamConfig> & { name: string };
  /** Tunable fields whose option was not given: an existing stream keeps its own value. */
  keep: Tunable[];
}

function notGiven(options: Partial<Record<Tunable, number | undefined>>): Tunable[] {
  return (Object.keys(options) as Tunable[]).filter((field) => options[field] === undefined);
}

function streamConfigs(opts: ProvisionOptions): StreamSpec[] {
  const replicas = opts.replicas ?? 1;
  return [
    {
      config: {
        name: STREAMS.tasks,
        subjects: [subjects.tasksAll],
        retention: RetentionPolicy.Workqueue,
        storage: StorageType.File,
        num_replicas: replicas,
        duplicate_window: nanos(120_000),
      },
      keep: notGiven({ num_replicas: opts.replicas }),
    },
    {
      config: {
        name: STREAMS.events,
        subjects: [subjects.eventsAll],
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        num_replicas: replicas,
        max_age: nanos(opts.eventsMaxAgeMs ?? DAY_MS),
        discard: DiscardPolicy.Old,
      },
      keep: notGiven({ num_replicas: opts.replicas, max_age: opts.eventsMaxAgeMs }),
    },
    {
      config: {
        name: STREAMS.dlq,
        subjects: [subjects.dlqAll],
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        num_replicas: replicas,
        duplicate_window: nanos(120_000),
        max_age: nanos(opts.dlqMaxAgeMs ?? DLQ_MAX_AGE_MS),
        max_bytes: opts.dlqMaxBytes ?? DLQ_MAX_BYTES,
        // Set on existing streams too: a full DLQ must drop its oldest letter, never refuse the
        // newest (discard new would fail the dead-lettering itself).
        discard: DiscardPolicy.Old,
      },
      keep: notGiven({
        num_replicas: opts.replicas,
        max_age: opts.dlqMaxAgeMs,
        max_bytes: opts.dlqMaxBytes,
      }),
    },
  ];
}

async function ensureStream(jsm: JetStreamManager, { config, keep }: StreamSpec): Promise<void> {
  try {
    await jsm.streams.info(config.name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await jsm.streams.add(config);
    return;
  }
  // `update` merges into the live config, so a field left out keeps its value: a service
  // starting with the defaults must not scale an R3 stream down to R1 nor reset its limits.
  const update: Partial<StreamConfig> = { ...config };
  for (const field of keep) delete update[field];
  await jsm.streams.update(config.name, update);
}

/** ARTIFACTS with its limits on creation; an existing store gets only the limits given. */
async function ensureArtifacts(
  nc: NatsConnection,
  jsm: JetStreamManager,
  opts: ProvisionOptions,
  replicas: number,
): Promise<void> {
  // Objm.create opens an existing store as it is: these options only shape a new one.
  const os = await new Objm(nc).create(OBJECT_STORES.artifacts, {
    replicas,
    ttl: nanos(opts.artifactsMaxAgeMs ?? ARTIFACTS_MAX_AGE_MS),
    max_bytes: opts.artifactsMaxBytes ?? ARTIFACTS_MAX_BYTES,
  });
  const update: Partial<StreamConfig> = {};
  if (opts.artifactsMaxAgeMs !== undefined) update.max_age = nanos(opts.artifactsMaxAgeMs);
  if (opts.artifactsMaxBytes !== undefined) update.max_bytes = opts.artifactsMaxBytes;
  if (Object.keys(update).length === 0) return;
  const { streamInfo } = await os.status();
  await jsm.streams.update(streamInfo.config.name, update);
}

/**
 * Creates a task consumer, or changes on an existing one only the settings its caller gave:
 * a gateway or CLI provisioning with defaults must not reset the `ack_wait` a worker runs with.
 */
async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  cfg: Partial<ConsumerConfig>,
  given: Partial<Pick<ConsumerConfig, 'ack_wait' | 'max_ack_pending'>>,
): Promise<void> {
  const name = cfg.durable_name as string;
  try {
    await jsm.consumers.info(stream, name);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await jsm.consumers.add(stream, cfg);
    return;
  }
  if (Object.keys(given).length > 0) await jsm.consumers.update(stream, name, given);
}

function isNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.status === 404;
}

/**
 * Creates or updates every stream, consumer, bucket and object store. Safe to run from every
 * replica of every service at start: replicas and retention limits of existing resources change
 * only when their option is given.
 */
export async function provision(nc: NatsConnection, opts: ProvisionOptions = {}): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const spec of streamConfigs(opts)) await ensureStream(jsm, spec);
  const given: Partial<Pick<ConsumerConfig, 'ack_wait' | 'max_ack_pending'>> = {};
  if (opts.ackWaitMs !== undefined) given.ack_wait = nanos(opts.ackWaitMs);
  if (opts.maxAckPending !== undefined) given.max_ack_pending = opts.maxAckPending;
  for (const queue of QUEUES) {
    for (const priority of PRIORITIES) {
      const cfg = taskConsumerConfig(queue, priority, opts);
      await ensureConsumer(jsm, STREAMS.tasks, cfg, given);
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
  // One small entry per user; its days expire inside the value, not by a TTL.
  await kvm.create(BUCKETS.usage, { history: 1, replicas });
  // As long as a task state lives: a redelivery comes long before its state expires.
  await kvm.create(BUCKETS.notifySent, { history: 1, ttl: 7 * DAY_MS, replicas });
  // Users' webhook destinations and alert rules: kept until deleted, a little history for audit.
  await kvm.create(BUCKETS.webhooks, { history: 3, replicas });
  await kvm.create(BUCKETS.alerts, { history: 3, replicas });
  await kvm.create(BUCKETS.alertState, { history: 1, replicas });
  // A few small entries, one per exchange, rewritten every probe.
  await kvm.create(BUCKETS.exchangeHealth, { history: 1, replicas });
  await ensureArtifacts(nc, jsm, opts, replicas);
  await new Objm(nc).create(OBJECT_STORES.marketData, { replicas });
}
