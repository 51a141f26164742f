import { openCandleStore } from '@wadm/market-data';
import {
  ArtifactStore,
  TaskClient,
  TaskStore,
  type HandlerContext,
  type ServiceResources,
} from '@wadm/runtime';
import type { ExportsEnv } from '../env.js';
import { HealthBook } from '../exchanges/health-book.js';
import { createCleanupHandler } from './cleanup.js';
import { createExchangeHealthHandler } from './exchange-health.js';
import { createBacktestExportHandler } from './export-backtest.js';
import { createCandleExportHandler } from './export-candles.js';
import { createTaskHistoryExportHandler } from './export-tasks.js';

type Queues = 'exports' | 'maintenance';

/** The service's handlers over its candle store and the ARTIFACTS store. */
export async function createHandlers({
  nc,
  logger,
  env,
}: HandlerContext<ExportsEnv>): Promise<ServiceResources<Queues>> {
  const candles = await openCandleStore({ mongoUrl: env.mongoUrl, nats: nc });
  const artifacts = await ArtifactStore.open(nc);
  const tasks = await TaskStore.open(nc);
  const health = {
    nc,
    logger,
    book: await HealthBook.open(nc),
    client: await TaskClient.open(nc),
    adminEmails: env.adminEmails,
  };
  logger.info({ candles: candles.backend, exchanges: Object.keys(env.exchanges) }, 'exports ready');
  return {
    handlers: {
      'exports.candles': createCandleExportHandler(candles.store, env.exportChunkBars),
      'exports.backtest': createBacktestExportHandler(tasks, artifacts),
      'exports.tasks': createTaskHistoryExportHandler(tasks),
      'maintenance.cleanup': createCleanupHandler({
        nc,
        artifacts,
        workerSilentMs: env.workerSilentMs,
      }),
      'maintenance.exchange_health': createExchangeHealthHandler(env, health),
    },
    close: () => candles.close(),
  };
}
