import { availableParallelism } from 'node:os';
import { intVar, loadWorkerEnv, mongoUrlVar, type EnvSource, type WorkerEnv } from '@wadm/runtime';

/** Kubernetes probes and Prometheus scrape this port (WADM_HEALTH_PORT overrides it). */
export const DEFAULT_HEALTH_PORT = 9101;

/** The backtest service's configuration: the shared worker variables and its own. */
export interface BacktestEnv extends WorkerEnv {
  /**
   * Worker threads for sweeps and historical analysis (WADM_SWEEP_THREADS), shared by every
   * task the service runs at once. @defaultValue `os.availableParallelism()`
   */
  sweepThreads: number;
  /** MONGODB_URL: candles come from MongoDB when set, else from the MARKET_DATA object store. */
  mongoUrl: string | undefined;
}

export function loadEnv(env: EnvSource = process.env): BacktestEnv {
  return {
    ...loadWorkerEnv(['backtest', 'analysis'], { healthPort: DEFAULT_HEALTH_PORT }, env),
    sweepThreads: intVar(env, 'WADM_SWEEP_THREADS', availableParallelism(), { min: 1, max: 256 }),
    mongoUrl: mongoUrlVar(env),
  };
}
