import { createLogger, type Logger } from '../logger.js';
import type { BaseEnv } from './base-env.js';
import { EnvError } from '../errors.js';
import type { EnvSource } from './env-schema.js';
import { stopOnSignals, type StoppableService } from './stop-on-signals.js';

export interface MainDefinition<E extends BaseEnv> {
  /** Names the logger and the message of a failed start. */
  service: string;
  /** Reads the service's configuration; throws EnvError naming a bad variable. */
  loadEnv: (source: EnvSource) => E;
  /** Starts the service with the env loaded once and a logger at `env.logLevel`. */
  start: (env: E, logger: Logger) => Promise<StoppableService>;
}

/**
 * The whole `main` of a service: a configuration mistake exits with code 2 and the variable's
 * name, a failed start with code 1, both logged, never thrown at the user; SIGTERM and SIGINT
 * stop it ({@link stopOnSignals}), once started if they come during the start.
 */
export async function runMain<E extends BaseEnv>(def: MainDefinition<E>): Promise<void> {
  // A fixed level until the env is read: WADM_LOG_LEVEL may be the bad value to report.
  const logger = createLogger(def.service, 'info');
  let env: E;
  try {
    env = def.loadEnv(process.env);
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    logger.fatal(`invalid configuration: ${err.message}`);
    process.exit(2);
  }
  logger.level = env.logLevel;
  // Started a microtask later, once the signal handlers are in: the process may be preempted
  // right after writing a line, and a SIGTERM sent on reading it must find them.
  const starting = Promise.resolve().then(() => def.start(env, logger));
  stopOnSignals(starting, logger);
  try {
    await starting;
  } catch (err) {
    logger.fatal({ err }, `${def.service} could not start`);
    process.exit(1);
  }
}
