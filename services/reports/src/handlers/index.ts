import { openCandleStore } from '@wadm/market-data';
import { TaskClient, type HandlerContext, type ServiceResources } from '@wadm/runtime';
import { AlertBuckets } from '../alerts/alert-buckets.js';
import type { ReportsEnv, ServedQueue } from '../env.js';
import { Mailer } from '../mail/mailer.js';
import { SentLog } from '../notify/sent-log.js';
import { WebhookRegistry } from '../notify/webhook-registry.js';
import { createAlertsEvaluateHandler } from './alerts-evaluate.js';
import { createDailyReportHandler } from './daily-report.js';
import { Deliveries } from './deliveries.js';
import { createEmailHandler } from './email.js';
import { createWebhookHandler } from './webhook.js';

/** The service's handlers over its candle store, SMTP transport and the NOTIFY_SENT bucket. */
export async function createHandlers({
  nc,
  logger,
  env,
}: HandlerContext<ReportsEnv>): Promise<ServiceResources<ServedQueue>> {
  const deliveries = new Deliveries(await SentLog.open(nc), env.crashAfterSend);
  const mailer = env.smtpUrl ? new Mailer(env.smtpUrl, env.mailFrom) : undefined;
  const candles = await openCandleStore({ mongoUrl: env.mongoUrl, nats: nc });
  const alertBuckets = await AlertBuckets.open(nc);
  logger.info(
    {
      candles: candles.backend,
      smtp: env.smtpUrl ? redactUrl(env.smtpUrl) : 'none (notify.email fails)',
      webhooks: env.webhookSecret
        ? 'registered destinations and operator URLs'
        : 'registered destinations only: WADM_WEBHOOK_SECRET unset',
      webhookAllow: env.webhookAllow.entries,
    },
    'reports and notifications ready',
  );
  return {
    handlers: {
      'reports.daily': createDailyReportHandler(candles.store, mailer, deliveries, env),
      'notify.email': createEmailHandler(mailer, deliveries),
      'notify.webhook': createWebhookHandler(env, deliveries, await WebhookRegistry.open(nc)),
      'alerts.evaluate': createAlertsEvaluateHandler(
        alertBuckets,
        candles.store,
        await TaskClient.open(nc),
      ),
    },
    async close() {
      alertBuckets.close();
      mailer?.close();
      await candles.close();
    },
  };
}

/** The SMTP URL without its password, for the log. */
function redactUrl(raw: string): string {
  const url = new URL(raw);
  if (url.password) url.password = '***';
  return url.toString();
}
