import type { Queue } from '@wadm/contracts';
import { loadBaseEnv, type BaseEnv } from './base-env.js';
import { boolVar, hostVar, intVar, portVar, type EnvSource } from './env-schema.js';

/** Configuration every worker service shares. Units are in the names. */
export interface WorkerEnv extends BaseEnv {
  /** Concurrent tasks per queue (WADM_CONCURRENCY), overridable per queue (WADM_CONCURRENCY_BACKTEST). */
  concurrency: number;
  concurrencyByQueue: Partial<Record<Queue, number>>;
  /**
   * Consumers' `ack_wait`. Unset: the worker runs with what its consumers have (30 s when
   * provisioning creates them) and changes nothing an operator set.
   */
  ackWaitMs: number | undefined;
  graceMs: number;
  healthPort: number;
  /** Where `/healthz`, `/readyz`, `/metrics` listen: loopback unless set (0.0.0.0 in Kubernetes). */
  healthHost: string;
  /** Unset: create with 1 replica, leave existing streams as they are. */
  replicas: number | undefined;
  /**
   * Limits of the ARTIFACTS store and the TASKS_DLQ stream. Unset: `provision()`'s defaults on
   * creation, and an existing store or stream keeps its own.
   */
  artifactsMaxAgeMs: number | undefined;
  artifactsMaxBytes: number | undefined;
  dlqMaxAgeMs: number | undefined;
  dlqMaxBytes: number | undefined;
  /** Consumers' `max_ack_pending`; unset as `ackWaitMs`. */
  maxAckPending: number | undefined;
  allowCrash: boolean;
  inlineResultMaxBytes: number;
  /** Artifact bytes (large results, files) one owner may keep; 0: no quota. */
  storageQuotaBytes: number;
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
    ...loadBaseEnv(env),
    concurrency,
    concurrencyByQueue,
    ackWaitMs: env['WADM_ACK_WAIT_MS']
      ? intVar(env, 'WADM_ACK_WAIT_MS', 0, { min: 1_000, max: 3_600_000 })
      : undefined,
    graceMs: intVar(env, 'WADM_GRACE_MS', 25_000, { min: 0, max: 3_600_000 }),
    healthPort: portVar(env, 'WADM_HEALTH_PORT', defaults.healthPort),
    healthHost: hostVar(env, 'WADM_HEALTH_HOST', '127.0.0.1'),
    replicas: env['WADM_REPLICAS']
      ? intVar(env, 'WADM_REPLICAS', 1, { min: 1, max: 5 })
      : undefined,
    artifactsMaxAgeMs: optionalSeconds(env, 'WADM_ARTIFACTS_MAX_AGE_S'),
    artifactsMaxBytes: optionalBytes(env, 'WADM_ARTIFACTS_MAX_BYTES'),
    dlqMaxAgeMs: optionalSeconds(env, 'WADM_DLQ_MAX_AGE_S'),
    dlqMaxBytes: optionalBytes(env, 'WADM_DLQ_MAX_BYTES'),
    maxAckPending: env['WADM_MAX_ACK_PENDING']
      ? intVar(env, 'WADM_MAX_ACK_PENDING', 0, { min: 1 })
      : undefined,
    allowCrash: boolVar(env, 'WADM_ALLOW_CRASH', false),
    inlineResultMaxBytes: intVar(env, 'WADM_INLINE_RESULT_MAX_BYTES', 64 * 1024, {
      min: 0,
      max: 900_000,
    }),
    storageQuotaBytes: intVar(env, 'WADM_STORAGE_QUOTA_BYTES', DEFAULT_STORAGE_QUOTA_BYTES, {
      min: 0,
    }),
  };
}

const TEN_YEARS_S = 3650 * 86_400;
/** A fifth of the ARTIFACTS store's default size: no one user can fill it. */
export const DEFAULT_STORAGE_QUOTA_BYTES = 100 * 1_048_576;

/**
 * A retention age in seconds, returned in ms. An hour at least: 0 would mean "forever" to
 * JetStream, and the server refuses a max age under a stream's 2-minute duplicate window.
 */
function optionalSeconds(env: EnvSource, name: string): number | undefined {
  return env[name] ? intVar(env, name, 0, { min: 3_600, max: TEN_YEARS_S }) * 1000 : undefined;
}

/** A size cap; 1 MiB at least, as -1 or 0 would mean "unbounded" to JetStream. */
function optionalBytes(env: EnvSource, name: string): number | undefined {
  return env[name] ? intVar(env, name, 0, { min: 1_048_576 }) : undefined;
}
