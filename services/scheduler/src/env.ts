import { boolVar, intVar, loadBaseEnv, type BaseEnv, type EnvSource } from '@wadm/runtime';

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
}

export function loadEnv(source: EnvSource = process.env): SchedulerEnv {
  return {
    ...loadBaseEnv(source, { instance: `scheduler-${process.pid}` }),
    tickMs: intVar(source, 'WADM_SCHEDULER_TICK_MS', 200, { min: 10, max: 1_000 }),
    graceMs: intVar(source, 'WADM_SCHEDULER_GRACE_MS', 5_000, { min: 1_000, max: 60_000 }),
    seedSchedules: boolVar(source, 'WADM_SEED_SCHEDULES', true),
  };
}
