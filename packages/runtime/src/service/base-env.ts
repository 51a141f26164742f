import { hostname } from 'node:os';
import { boolVar, stringVar, type EnvSource } from './env-schema.js';

/**
 * What every service reads, workers and gateway alike; a service's own `env.ts` spreads this
 * and adds its variables.
 */
export interface BaseEnv {
  /** NATS_URL: server(s), comma-separated. */
  natsUrl: string;
  /** WADM_INSTANCE: this process among the service's replicas (connection name, heartbeats). */
  instance: string;
  /** WADM_LOG_LEVEL: a pino level. */
  logLevel: string;
  /** WADM_PROVISION: create or update streams, buckets and stores at start. */
  provision: boolean;
}

export interface BaseEnvDefaults {
  /** @defaultValue `<hostname>-<pid>` */
  instance?: string;
}

export function loadBaseEnv(env: EnvSource, defaults: BaseEnvDefaults = {}): BaseEnv {
  return {
    natsUrl: stringVar(env, 'NATS_URL', 'nats://127.0.0.1:4222', /^(nats|tls|wss?):\/\/\S+$/),
    instance: stringVar(
      env,
      'WADM_INSTANCE',
      defaults.instance ?? `${hostname()}-${process.pid}`,
      /^[A-Za-z0-9_-]{1,64}$/,
    ),
    logLevel: stringVar(
      env,
      'WADM_LOG_LEVEL',
      'info',
      /^(fatal|error|warn|info|debug|trace|silent)$/,
    ),
    provision: boolVar(env, 'WADM_PROVISION', true),
  };
}
