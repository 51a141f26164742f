import {
  boolVar,
  hostVar,
  intVar,
  loadBaseEnv,
  portVar,
  type BaseEnv,
  type EnvSource,
} from '@wadm/runtime';

/** Kubernetes probes and Prometheus scrape this port (WADM_HEALTH_PORT overrides it). */
export const DEFAULT_HEALTH_PORT = 9105;

/** The scheduler's configuration: the variables every service reads, and its own. */
export interface SchedulerEnv extends BaseEnv {
  /** WADM_SCHEDULER_TICK_MS: how often due schedules are looked for. */
  tickMs: number;
  /**
   * WADM_SCHEDULER_GRACE_MS: a fire noticed this late still counts as on time; later ones are
   * missed (or caught up within the schedule's `catchupWindowMs`).
   */
  graceMs: number;
  /** WADM_SEED_SCHEDULES: create the seed schedules when they do not exist. */
  seedSchedules: boolean;
  /**
   * WADM_SCHEDULER_MAX_SKEW_MS: how far apart the replicas' clocks may be. A replica behind
   * fires the same time that much later, so the TASKS duplicate window must cover it too.
   */
  maxClockSkewMs: number;
  /** WADM_HEALTH_PORT: `/healthz`, `/readyz`, `/metrics` (0 picks a free port). */
  healthPort: number;
  /** WADM_HEALTH_HOST: loopback unless set (0.0.0.0 in Kubernetes). */
  healthHost: string;
}

export function loadEnv(source: EnvSource = process.env): SchedulerEnv {
  return {
    ...loadBaseEnv(source, { instance: `scheduler-${process.pid}` }),
    tickMs: intVar(source, 'WADM_SCHEDULER_TICK_MS', 200, { min: 10, max: 1_000 }),
    graceMs: intVar(source, 'WADM_SCHEDULER_GRACE_MS', 5_000, { min: 1_000, max: 60_000 }),
    seedSchedules: boolVar(source, 'WADM_SEED_SCHEDULES', true),
    maxClockSkewMs: intVar(source, 'WADM_SCHEDULER_MAX_SKEW_MS', 2_000, { min: 0, max: 600_000 }),
    healthPort: portVar(source, 'WADM_HEALTH_PORT', DEFAULT_HEALTH_PORT),
    healthHost: hostVar(source, 'WADM_HEALTH_HOST', '127.0.0.1'),
  };
}
