import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { STREAMS } from '@wadm/contracts';
import {
  connectNats,
  monitorConnection,
  provision,
  ScheduleStore,
  TaskClient,
  type Logger,
  type StoppableService,
} from '@wadm/runtime';
import { ScheduleEngine } from './engine/engine.js';
import type { SchedulerEnv } from './env.js';
import { seedSchedules } from './seed.js';

export interface RunningScheduler extends StoppableService {
  engine: ScheduleEngine;
}

/** Fires in progress finish (a submit and a history write each) within this. */
const STOP_TIMEOUT_MS = 10_000;

/** At most this long after a fire, its task found PENDING is published again. */
const MAX_REPUBLISH_MS = 60_000;

/**
 * Reads the TASKS duplicate window and says in a log line whether it covers how replicas fire.
 * Replicas fire the same time within grace + tick of each other (on-time fires; catch-up fires
 * are later but find the fire's task in TASK_STATE first and publish nothing); a fire's task
 * found PENDING is published again only while the fire is younger than half the window.
 * @returns how long after a fire a PENDING task may be published again.
 */
export async function checkDuplicateWindow(
  nc: NatsConnection,
  env: SchedulerEnv,
  logger: Logger,
): Promise<number> {
  const info = await (await jetstreamManager(nc)).streams.info(STREAMS.tasks);
  const windowMs = Math.round((info.config.duplicate_window ?? 0) / 1_000_000);
  const republishWithinMs = Math.min(MAX_REPUBLISH_MS, Math.floor(windowMs / 2));
  const raceMs = env.graceMs + env.tickMs;
  const detail = { duplicateWindowMs: windowMs, graceMs: env.graceMs, tickMs: env.tickMs };
  if (windowMs >= raceMs) {
    logger.info(
      detail,
      `TASKS duplicate window (${windowMs / 1000} s) covers replicas firing the same time (within ${raceMs} ms of each other) and republishing a PENDING fire for ${republishWithinMs / 1000} s; later fires and catch-ups of a time already submitted find its task in TASK_STATE and publish nothing`,
    );
  } else {
    logger.warn(
      detail,
      `TASKS duplicate window (${windowMs / 1000} s) is shorter than the scheduler's grace + tick (${raceMs} ms): two replicas may publish one fire twice`,
    );
  }
  return republishWithinMs;
}

/**
 * Starts a scheduler replica: NATS, provisioning, the seed schedules (first start only), the
 * duplicate-window check, then the engine. Any number of replicas may run; there is no leader.
 */
export async function startScheduler(env: SchedulerEnv, logger: Logger): Promise<RunningScheduler> {
  const nc = await connectNats({ url: env.natsUrl, name: `scheduler.${env.instance}` });
  monitorConnection(nc, logger);
  if (env.provision) await provision(nc);
  const store = await ScheduleStore.open(nc);
  if (env.seedSchedules) {
    const created = await seedSchedules(store);
    if (created.length > 0) logger.info({ created }, 'seed schedules created');
  }
  const republishWithinMs = await checkDuplicateWindow(nc, env, logger);
  const engine = new ScheduleEngine({
    client: await TaskClient.open(nc),
    store,
    logger,
    tickMs: env.tickMs,
    graceMs: env.graceMs,
    republishWithinMs,
  });
  await engine.start();
  logger.info({ instance: env.instance, nats: env.natsUrl }, 'scheduler ready');

  let stopped: Promise<void> | undefined;
  return {
    engine,
    stopTimeoutMs: STOP_TIMEOUT_MS,
    stop() {
      stopped ??= (async () => {
        await engine.stop();
        await nc.drain();
        logger.info('stopped');
      })();
      return stopped;
    },
  };
}
