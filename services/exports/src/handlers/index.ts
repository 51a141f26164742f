import { openCandleStore } from '@wadm/market-data';
import { ArtifactStore, type HandlerContext, type ServiceResources } from '@wadm/runtime';
import type { ExportsEnv } from '../env.js';
import { createCleanupHandler } from './cleanup.js';
import { createExchangeHealthHandler } from './exchange-health.js';
import { createCandleExportHandler } from './export-candles.js';

type Queues = 'exports' | 'maintenance';

/** The service's handlers over its candle store and the ARTIFACTS store. */
export async function createHandlers({
  nc,
  logger,
  env,
}: HandlerContext<ExportsEnv>): Promise<ServiceResources<Queues>> {
  const candles = await openCandleStore({ mongoUrl: env.mongoUrl, nats: nc });
  const artifacts = await ArtifactStore.open(nc);
  logger.info({ candles: candles.backend, exchanges: Object.keys(env.exchanges) }, 'exports ready');
  return {
    handlers: {
      'exports.candles': createCandleExportHandler(candles.store, env.exportChunkBars),
      'maintenance.cleanup': createCleanupHandler({
        nc,
        artifacts,
        workerSilentMs: env.workerSilentMs,
      }),
      'maintenance.exchange_health': createExchangeHealthHandler(env),
    },
    close: () => candles.close(),
  };
}
