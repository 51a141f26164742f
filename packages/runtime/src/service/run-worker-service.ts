import type { Server } from 'node:http';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Queue } from '@wadm/contracts';
import { connectNats, monitorConnection } from '../connection.js';
import { createEchoHandler } from '../echo.js';
import type { HandlerMap } from '../handlers.js';
import { createLogger, type Logger } from '../logger.js';
import { provision } from '../provision.js';
import { Worker } from '../worker/worker.js';
import { portOf, startHealthServer } from './health-server.js';
import { renderMetrics } from './metrics.js';
import type { StoppableService } from './stop-on-signals.js';
import type { WorkerEnv } from './worker-env.js';

/** Handlers that need the connection (stores, pools), and what to close after the worker. */
export interface ServiceResources<Q extends Queue> {
  handlers: HandlerMap<Q>;
  close?: () => Promise<void>;
}

/** What a handler factory gets: the connection, and the service's own env, loaded once. */
export interface HandlerContext<E extends WorkerEnv = WorkerEnv> {
  nc: NatsConnection;
  logger: Logger;
  env: E;
}

export type HandlerFactory<Q extends Queue, E extends WorkerEnv = WorkerEnv> = (
  ctx: HandlerContext<E>,
) => Promise<ServiceResources<Q>>;

export interface WorkerServiceDefinition<
  Q extends Exclude<Queue, 'diagnostics'>,
  E extends WorkerEnv = WorkerEnv,
> {
  service: string;
  queues: readonly Q[];
  /** A plain map, or a factory called once NATS is connected and provisioned. */
  handlers: HandlerMap<Q> | HandlerFactory<Q, E>;
  env: E;
  /** @defaultValue a logger named after the service, at `env.logLevel` */
  logger?: Logger;
}

export interface RunningService extends StoppableService {
  healthPort: number;
}

/**
 * What stopping may take past the grace period of running tasks: handing back their messages,
 * closing the service's resources, draining NATS.
 */
const CLOSE_ALLOWANCE_MS = 10_000;

/**
 * Starts a worker service: NATS, provisioning, the worker (its queues plus `diagnostics`),
 * the health server; `stop()` closes them in reverse order. Signals are the caller's: a
 * service's `main` hands the result to `stopOnSignals`.
 */
export async function runWorkerService<
  Q extends Exclude<Queue, 'diagnostics'>,
  E extends WorkerEnv = WorkerEnv,
>(def: WorkerServiceDefinition<Q, E>): Promise<RunningService> {
  const { env } = def;
  const logger = def.logger ?? createLogger(def.service, env.logLevel);
  const nc: NatsConnection = await connectNats({
    url: env.natsUrl,
    name: `${def.service}.${env.instance}`,
  });
  const connection = monitorConnection(nc, logger);
  if (env.provision) {
    await provision(nc, {
      replicas: env.replicas,
      ackWaitMs: env.ackWaitMs,
      maxAckPending: env.maxAckPending,
      artifactsMaxAgeMs: env.artifactsMaxAgeMs,
      artifactsMaxBytes: env.artifactsMaxBytes,
      dlqMaxAgeMs: env.dlqMaxAgeMs,
      dlqMaxBytes: env.dlqMaxBytes,
    });
  }
  const resources: ServiceResources<Q> =
    typeof def.handlers === 'function'
      ? await def.handlers({ nc, logger, env })
      : { handlers: def.handlers };
  const queues: (Q | 'diagnostics')[] = [...def.queues, 'diagnostics'];
  const handlers = {
    ...resources.handlers,
    'diagnostics.echo': createEchoHandler({ allowCrash: env.allowCrash }),
  } as HandlerMap<Q | 'diagnostics'>;
  const worker = new Worker({
    nc,
    service: def.service,
    instance: env.instance,
    queues,
    handlers,
    slots: env.concurrencyByQueue,
    defaultSlots: env.concurrency,
    logger,
    ackWaitMs: env.ackWaitMs,
    inlineResultMaxBytes: env.inlineResultMaxBytes,
    storageQuotaBytes: env.storageQuotaBytes,
  });
  await worker.start();
  let stopped: Promise<void> | undefined;
  const health: Server = await startHealthServer(
    { port: env.healthPort, host: env.healthHost },
    {
      ready: () => !stopped && connection.connected,
      metrics: () => renderMetrics(def.service, worker.stats()),
    },
  );
  logger.info(
    { nats: env.natsUrl, healthHost: env.healthHost, healthPort: portOf(health), queues },
    `${def.service} service ready`,
  );

  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      logger.info('stopping: finishing running tasks');
      await worker.stop(env.graceMs);
      await resources.close?.();
      await new Promise((resolve) => health.close(resolve));
      await nc.drain();
      logger.info('stopped');
    })();
    return stopped;
  };
  return { stop, stopTimeoutMs: env.graceMs + CLOSE_ALLOWANCE_MS, healthPort: portOf(health) };
}
