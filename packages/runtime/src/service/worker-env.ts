import { hostname } from 'node:os';
import type { Queue } from '@wadm/contracts';
import { boolVar, intVar, stringVar, type EnvSource } from './env-schema.js';

/** Configuration every worker service shares. Units are in the names. */
export interface WorkerEnv {
  natsUrl: string;
  instance: string;
  /** Concurrent tasks per queue (WADM_CONCURRENCY), overridable per queue (WADM_CONCURRENCY_BACKTEST). */
  concurrency: number;
  concurrencyByQueue: Partial<Record<Queue, number>>;
  ackWaitMs: number;
  graceMs: number;
  healthPort: number;
  /** Unset: create with 1 replica, leave existing streams as they are. */
  replicas: number | undefined;
  maxAckPending: number;
  allowCrash: boolean;
  inlineResultMaxBytes: number;
  provision: boolean;
  logLevel: string;
}

export function loadWorkerEnv(
  queues: readonly Queue[],
  defaults: { healthPort: number; concurrency?: number },
  env: EnvSource = process.env,
): WorkerEnv {
  const concurrency = intVar(env, 'WADM_CONCURRENCY', defaults.concurrency ?? 4, {
    min: 1,
    max: 10_000,
  });
  const concurrencyByQueue: Partial<Record<Queue, number>> = {};
  for (const q of queues) {
    concurrencyByQueue[q] = intVar(env, `WADM_CONCURRENCY_${q.toUpperCase()}`, concurrency, {
      min: 1,
      max: 10_000,
    });
  }
  return {
    natsUrl: stringVar(env, 'NATS_URL', 'nats://127.0.0.1:4222', /^(nats|tls|wss?):\/\/\S+$/),
    instance: stringVar(
      env,
      'WADM_INSTANCE',
      `${hostname()}-${process.pid}`,
      /^[A-Za-z0-9_-]{1,64}$/,
    ),
    concurrency,
    concurrencyByQueue,
    ackWaitMs: intVar(env, 'WADM_ACK_WAIT_MS', 30_000, { min: 1_000, max: 3_600_000 }),
    graceMs: intVar(env, 'WADM_GRACE_MS', 25_000, { min: 0, max: 3_600_000 }),
    healthPort: intVar(env, 'WADM_HEALTH_PORT', defaults.healthPort, { max: 65_535 }),
    replicas: env['WADM_REPLICAS']
      ? intVar(env, 'WADM_REPLICAS', 1, { min: 1, max: 5 })
      : undefined,
    maxAckPending: intVar(env, 'WADM_MAX_ACK_PENDING', 10_000, { min: 1 }),
    allowCrash: boolVar(env, 'WADM_ALLOW_CRASH', false),
    inlineResultMaxBytes: intVar(env, 'WADM_INLINE_RESULT_MAX_BYTES', 64 * 1024, {
      min: 0,
      max: 900_000,
    }),
    provision: boolVar(env, 'WADM_PROVISION', true),
    logLevel: stringVar(
      env,
      'WADM_LOG_LEVEL',
      'info',
      /^(fatal|error|warn|info|debug|trace|silent)$/,
    ),
  };
}
