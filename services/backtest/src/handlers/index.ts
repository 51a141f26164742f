import { openCandleStore } from '@wadm/market-data';
import type { HandlerContext, ServiceResources } from '@wadm/runtime';
import { archived, ResultArchive } from '../archive.js';
import type { BacktestEnv } from '../env.js';
import { EnginePool } from '../sweep/pool.js';
import { createHistoryHandler } from './history.js';
import { createRunHandler } from './run.js';
import { createSweepHandler } from './sweep.js';

type Queues = 'backtest' | 'analysis';

/** The service's handlers over its candle store and thread pool, and how to close both. */
export async function createHandlers({
  nc,
  logger,
  env,
}: HandlerContext<BacktestEnv>): Promise<ServiceResources<Queues>> {
  const candles = await openCandleStore({ mongoUrl: env.mongoUrl, nats: nc });
  const archive = env.mongoUrl ? await ResultArchive.open(env.mongoUrl) : undefined;
  const pool = new EnginePool(env.sweepThreads);
  logger.info(
    { candles: candles.backend, archive: archive ? 'mongodb' : 'none', threads: pool.threads },
    'engine ready',
  );
  return {
    handlers: {
      'backtest.run': archived(createRunHandler(candles.store), archive, logger),
      'backtest.sweep': archived(createSweepHandler(candles.store, pool), archive, logger),
      'analysis.history': archived(createHistoryHandler(candles.store, pool), archive, logger),
    },
    async close() {
      await pool.close();
      await archive?.close();
      await candles.close();
    },
  };
}
