import Koa from 'koa';
import Router from '@koa/router';
import { jetstreamManager } from '@nats-io/jetstream';
import { BUCKETS, type AlertRule, type WebhookRegistration } from '@wadm/contracts';
import { openCandleStore, type OpenedCandleStore } from '@wadm/market-data';
import { ArtifactStore, DeadLetterAdmin, UsageLedger } from '@wadm/runtime';
import type { GatewayDeps } from '../deps.js';
import { principalOf, type ApiServices } from './api-services.js';
import { isApiPath } from './api-path.js';
import { authenticate } from './auth.js';
import { errorHandler } from './error-handler.js';
import { NotifyDestinations } from './notify-destinations.js';
import { OwnedBucket } from './owned-bucket.js';
import { PendingQuota } from './pending-quota.js';
import { alertRoutes } from './routes/alerts.js';
import { bulkRoutes } from './routes/bulk.js';
import { dlqRoutes } from './routes/dlq.js';
import { exchangeRoutes } from './routes/exchanges.js';
import { marketDataRoutes } from './routes/market-data.js';
import { metaRoutes } from './routes/meta.js';
import { resultRoutes } from './routes/results.js';
import { scheduleRoutes } from './routes/schedules.js';
import { taskRoutes } from './routes/tasks.js';
import { webhookRoutes } from './routes/webhooks.js';
import { StorageQuota } from './storage-quota.js';
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
  const quota = new PendingQuota(deps.client.store, { quota: deps.env.pendingQuota });
  const storage = new StorageQuota(
    once(() => UsageLedger.open(deps.nc)),
    deps.env.storageQuotaBytes,
  );
  const webhooks = once(() => OwnedBucket.open<WebhookRegistration>(deps.nc, BUCKETS.webhooks));
  const destinations = new NotifyDestinations(webhooks, deps.env.webhookAllow);
  const services: ApiServices = {
    deps,
    client: deps.client,
    submitter: new Submitter(deps.client, quota, storage, deps.nc, destinations),
    artifacts: once(() => ArtifactStore.open(deps.nc)),
    deadLetters: once(() => DeadLetterAdmin.open(deps.nc)),
    jsm: once(() => jetstreamManager(deps.nc)),
    candles: async () => (await openCandles()).store,
    webhooks,
    alerts: once(() => OwnedBucket.open<AlertRule>(deps.nc, BUCKETS.alerts)),
  };

  // Case-sensitive: a route answers to one spelling, the one the auth gate below knows.
  const meta = new Router({ sensitive: true });
  metaRoutes(meta, deps);

  const api = new Router({ prefix: API_PREFIX, sensitive: true });
  // Runs only for a matched API route: no handler is ever reached without a principal.
  api.use(async (ctx, next) => {
    principalOf(ctx);
    await next();
  });
  // Bulk before the task routes: `/tasks/bulk` is a path of its own, not a task id.
  bulkRoutes(api, services);
  taskRoutes(api, services);
  resultRoutes(api, services);
  dlqRoutes(api, services);
  marketDataRoutes(api, services);
  scheduleRoutes(api, services);
  webhookRoutes(api, services);
  alertRoutes(api, services);
  exchangeRoutes(api, services);

  const auth = authenticate(deps.verify);
  app.use(errorHandler(deps.logger));
  // Everything under /api needs a token, unknown routes and odd spellings included: without
  // one, a caller learns nothing about what exists.
  app.use((ctx, next) => (isApiPath(ctx.path) ? auth(ctx, next) : next()));
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
