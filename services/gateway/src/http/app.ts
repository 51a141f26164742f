import Koa from 'koa';
import Router from '@koa/router';
import { jetstreamManager } from '@nats-io/jetstream';
import { openCandleStore, type OpenedCandleStore } from '@wadm/market-data';
import { ArtifactStore, DeadLetterAdmin } from '@wadm/runtime';
import type { GatewayDeps } from '../deps.js';
import type { ApiServices } from './api-services.js';
import { authenticate } from './auth.js';
import { errorHandler } from './error-handler.js';
import { PendingQuota } from './pending-quota.js';
import { bulkRoutes } from './routes/bulk.js';
import { dlqRoutes } from './routes/dlq.js';
import { marketDataRoutes } from './routes/market-data.js';
import { metaRoutes } from './routes/meta.js';
import { resultRoutes } from './routes/results.js';
import { taskRoutes } from './routes/tasks.js';
import { Submitter } from './submitter.js';
import { API_PREFIX } from './task-view.js';

function once<T>(open: () => Promise<T>): () => Promise<T> {
  let opened: Promise<T> | undefined;
  return () => {
    opened ??= open().catch((err: unknown) => {
      opened = undefined;
      throw err;
    });
    return opened;
  };
}

/** The REST app, and how to close what it opened on the way (the candle store). */
export interface ApiApp {
  app: Koa;
  close(): Promise<void>;
}

/**
 * The REST app. Middleware order: errors (outermost, so every failure below becomes a
 * problem), auth for `/api/`, then the routers, then the routers' 405s.
 */
export function createApp(deps: GatewayDeps): ApiApp {
  const app = new Koa();
  let candleStore: Promise<OpenedCandleStore> | undefined;
  const openCandles = once(() => {
    candleStore = openCandleStore({ mongoUrl: deps.env.mongoUrl, nats: deps.nc });
    return candleStore;
  });
  const quota = new PendingQuota(deps.client.store.kv, { quota: deps.env.pendingQuota });
  const services: ApiServices = {
    deps,
    client: deps.client,
    submitter: new Submitter(deps.client, quota, deps.nc),
    artifacts: once(() => ArtifactStore.open(deps.nc)),
    deadLetters: once(() => DeadLetterAdmin.open(deps.nc)),
    jsm: once(() => jetstreamManager(deps.nc)),
    candles: async () => (await openCandles()).store,
  };

  const meta = new Router();
  metaRoutes(meta, deps);

  const api = new Router({ prefix: API_PREFIX });
  // Bulk before the task routes: `/tasks/bulk` is a path of its own, not a task id.
  bulkRoutes(api, services);
  taskRoutes(api, services);
  resultRoutes(api, services);
  dlqRoutes(api, services);
  marketDataRoutes(api, services);

  const auth = authenticate(deps.verify);
  app.use(errorHandler(deps.logger));
  // Everything under /api needs a token, unknown routes included: without one, a caller
  // learns nothing about what exists.
  app.use((ctx, next) =>
    ctx.path.startsWith('/api/') || ctx.path === '/api' ? auth(ctx, next) : next(),
  );
  app.use(meta.routes());
  app.use(meta.allowedMethods());
  app.use(api.routes());
  app.use(api.allowedMethods());
  // Errors are answered by errorHandler; this only catches what escapes a streamed body.
  app.on('error', (err: unknown) => deps.logger.warn({ err }, 'HTTP response error'));
  return {
    app,
    async close() {
      // A failed open left nothing to close.
      const opened = await candleStore?.catch(() => undefined);
      await opened?.close();
    },
  };
}
