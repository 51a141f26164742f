import type { Queue } from '@wadm/contracts';
import type { EnvSource } from './env-schema.js';
import { runMain } from './run-main.js';
import { runWorkerService, type WorkerServiceDefinition } from './run-worker-service.js';
import type { WorkerEnv } from './worker-env.js';

export interface ServiceMainDefinition<
  Q extends Exclude<Queue, 'diagnostics'>,
  E extends WorkerEnv = WorkerEnv,
> {
  service: string;
  queues: readonly Q[];
  /** A plain map, or a factory that gets the env `loadEnv` returned. */
  handlers: WorkerServiceDefinition<Q, E>['handlers'];
  /** The service's `env.ts` loader; throws EnvError naming a bad variable. */
  loadEnv: (source: EnvSource) => E;
}

/** The whole `main` of a worker service: {@link runMain} around {@link runWorkerService}. */
export function serviceMain<Q extends Exclude<Queue, 'diagnostics'>, E extends WorkerEnv>(
  def: ServiceMainDefinition<Q, E>,
): Promise<void> {
  return runMain({
    service: def.service,
    loadEnv: def.loadEnv,
    start: (env, logger) =>
      runWorkerService({
        service: def.service,
        queues: def.queues,
        handlers: def.handlers,
        env,
        logger,
      }),
  });
}
