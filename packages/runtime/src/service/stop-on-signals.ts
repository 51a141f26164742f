import type { Logger } from '../logger.js';

/** A started service: workers and the gateway alike. */
export interface StoppableService {
  /** Stops taking work, lets what runs finish, closes in reverse order. Idempotent. */
  stop(): Promise<void>;
  /** How long `stop()` may take before {@link stopOnSignals} exits the process anyway. */
  readonly stopTimeoutMs: number;
}

/**
 * SIGTERM or SIGINT stops the service, then exits 0 (1 when stopping failed, or did not end
 * within `stopTimeoutMs`: a drain that hangs must not keep a replaced pod alive); the same signal
 * again kills at once. For a service's `main` only: an application that embeds a service owns
 * its signals.
 *
 * Given the promise of a service still starting, it listens from now and stops the service once
 * started: the process writes its "ready" line before `start()` returns, and a SIGTERM sent on
 * seeing that line must stop it, not kill it. A start that fails is left to its caller to report.
 */
export function stopOnSignals(
  service: StoppableService | Promise<StoppableService>,
  logger: Logger,
): void {
  const stop = (started: StoppableService): void => {
    // Not unref'd: it is what ends the process when the stop hangs with nothing else to run.
    setTimeout(() => {
      logger.fatal({ timeoutMs: started.stopTimeoutMs }, 'stop timed out; exiting');
      process.exit(1);
    }, started.stopTimeoutMs);
    started.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  let started: StoppableService | undefined;
  Promise.resolve(service).then(
    (s) => (started = s),
    () => {},
  );
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    if (!started) logger.warn(`${signal} while starting: stopping once started; again kills`);
    Promise.resolve(service).then(stop, () => {});
  };
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, onSignal);
}
