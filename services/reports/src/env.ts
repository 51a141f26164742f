import { loadWorkerEnv, type EnvSource, type WorkerEnv } from '@wadm/runtime';

/** Kubernetes probes and Prometheus scrape this port (WADM_HEALTH_PORT overrides it). */
export const DEFAULT_HEALTH_PORT = 9102;

/** The reports service's configuration: the shared worker variables, nothing of its own yet. */
export function loadEnv(env: EnvSource = process.env): WorkerEnv {
  return loadWorkerEnv([], { healthPort: DEFAULT_HEALTH_PORT }, env);
}
