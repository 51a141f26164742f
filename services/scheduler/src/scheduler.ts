import type { AddressInfo } from 'node:net';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { STREAMS } from '@wadm/contracts';
import {
  connectNats,
  monitorConnection,
  provision,
  ScheduleStore,
  startHealthServer,
  TaskClient,
  type Logger,
  type StoppableService,
} from '@wadm/runtime';
import { ScheduleEngine } from './engine/engine.js';
import type { SchedulerEnv } from './env.js';
import { renderSchedulerMetrics } from './metrics.js';
import { seedSchedules } from './seed.js';

export interface RunningScheduler extends StoppableService {
  engine: ScheduleEngine;
  healthPort: number;
}

/** Fires in progress finish (a submit and a history write each) within this. */
const STOP_TIMEOUT_MS = 10_000;

/** At most this long after a fire, its task found PENDING is published again. */
const MAX_REPUBLISH_MS = 60_000;

/**
 * Reads the TASKS duplicate window and says in a log line whether it covers how replicas fire.
 * Replicas fire the same time within grace + tick + their clocks' skew of each other (on-time
 * fires; catch-up fires are later but find the fire's task in TASK_STATE first and publish
 * nothing); a fire's task found PENDING is published again only while the fire is younger than
 * half the window.
 * @returns how long after a fire a PENDING task may be published again.
 */
export async function checkDuplicateWindow(
  nc: NatsConnection,
  env: Pick<SchedulerEnv, 'graceMs' | 'tickMs' | 'maxClockSkewMs'>,
  logger: Logger,
): Promise<number> {
  const info = await (await jetstreamManager(nc)).streams.info(STREAMS.tasks);
  const windowMs = Math.round((info.config.duplicate_window ?? 0) / 1_000_000);
  const republishWithinMs = Math.min(MAX_REPUBLISH_MS, Math.floor(windowMs / 2));
  const raceMs = env.graceMs + env.tickMs + env.maxClockSkewMs;
  const detail = {
    duplicateWindowMs: windowMs,
    graceMs: env.graceMs,
    tickMs: env.tickMs,
    maxClockSkewMs: env.maxClockSkewMs,
  };
  if (windowMs >= raceMs) {
    logger.info(
      detail,
      `TASKS duplicate window (${windowMs / 1000} s) covers replicas firing the same time (within ${raceMs} ms of each other) and republishing a PENDING fire for ${republishWithinMs / 1000} s; later fires and catch-ups of a time already submitted find its task in TASK_STATE and publish nothing`,
    );
  } else {
    logger.warn(
      detail,
      `TASKS duplicate window (${windowMs / 1000} s) is shorter than the scheduler's grace + tick + clock skew (${raceMs} ms): two replicas may publish one fire twice`,
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
  const connection = monitorConnection(nc, logger);
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
  let stopped: Promise<void> | undefined;
  const health = await startHealthServer(
    { port: env.healthPort, host: env.healthHost },
    {
      ready: () => !stopped && connection.connected,
      metrics: () => renderSchedulerMetrics(engine.stats()),
    },
  );
  const healthPort = (health.address() as AddressInfo).port;
  logger.info({ instance: env.instance, nats: env.natsUrl, healthPort }, 'scheduler ready');

  return {
    engine,
    healthPort,
    stopTimeoutMs: STOP_TIMEOUT_MS,
    stop() {
      stopped ??= (async () => {
        await engine.stop();
        await new Promise((resolve) => health.close(resolve));
        await nc.drain();
        logger.info('stopped');
      })();
      return stopped;
    },
  };
}
