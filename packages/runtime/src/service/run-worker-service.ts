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
import type { WorkerEnv } from './worker-env.js';

/** Handlers that need the connection (stores, pools), and what to close after the worker. */
export interface ServiceResources<Q extends Queue> {
  handlers: HandlerMap<Q>;
  close?: () => Promise<void>;
}

export type HandlerFactory<Q extends Queue> = (ctx: {
  nc: NatsConnection;
  logger: Logger;
}) => Promise<ServiceResources<Q>>;

export interface WorkerServiceDefinition<Q extends Exclude<Queue, 'diagnostics'>> {
  service: string;
  queues: readonly Q[];
  /** A plain map, or a factory called once NATS is connected and provisioned. */
  handlers: HandlerMap<Q> | HandlerFactory<Q>;
  env: WorkerEnv;
}

export interface RunningService {
  stop(): Promise<void>;
  healthPort: number;
}

/**
 * Starts a worker service: NATS, provisioning, the worker (its queues plus `diagnostics`),
 * the health server; SIGTERM and SIGINT stop it in reverse order.
 */
export async function runWorkerService<Q extends Exclude<Queue, 'diagnostics'>>(
  def: WorkerServiceDefinition<Q>,
): Promise<RunningService> {
  const { env } = def;
  const logger = createLogger(def.service, env.logLevel);
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
      ? await def.handlers({ nc, logger })
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
  let stopping = false;
  const health: Server = await startHealthServer(
    { port: env.healthPort, host: env.healthHost },
    {
      ready: () => !stopping && connection.connected,
      metrics: () => renderMetrics(def.service, worker.stats()),
    },
  );
  logger.info(
    { nats: env.natsUrl, healthHost: env.healthHost, healthPort: portOf(health), queues },
    `${def.service} service ready`,
  );

  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping: finishing running tasks');
    await worker.stop(env.graceMs);
    await resources.close?.();
    await new Promise((resolve) => health.close(resolve));
    await nc.drain();
    logger.info('stopped');
  };
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.once(sig, () => {
      stop().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'unclean stop');
          process.exit(1);
        },
      );
    });
  }
  return { stop, healthPort: portOf(health) };
}
