import type { Queue } from '@wadm/contracts';
import { createLogger } from '../logger.js';
import { EnvError } from './env-schema.js';
import { runWorkerService, type WorkerServiceDefinition } from './run-worker-service.js';
import type { WorkerEnv } from './worker-env.js';

export interface ServiceMainDefinition<Q extends Exclude<Queue, 'diagnostics'>> {
  service: string;
  queues: readonly Q[];
  handlers: WorkerServiceDefinition<Q>['handlers'];
  /** Reads the service's configuration; throws EnvError naming a bad variable. */
  loadEnv: () => WorkerEnv;
}

/**
 * The whole `main` of a worker service: a configuration mistake exits with code 2 and the
 * variable's name, a failed start with code 1; both are logged, never thrown at the user.
 */
export async function serviceMain<Q extends Exclude<Queue, 'diagnostics'>>(
  def: ServiceMainDefinition<Q>,
): Promise<void> {
  const logger = createLogger(def.service);
  let env: WorkerEnv;
  try {
    env = def.loadEnv();
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    logger.fatal(`invalid configuration: ${err.message}`);
    process.exit(2);
  }
  try {
    await runWorkerService({
      service: def.service,
      queues: def.queues,
      handlers: def.handlers,
      env,
    });
  } catch (err) {
    logger.fatal({ err }, `${def.service} could not start`);
    process.exit(1);
  }
}
