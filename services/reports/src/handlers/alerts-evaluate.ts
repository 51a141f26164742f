import type { CandleStore } from '@wadm/market-data';
import type { TaskClient, TaskHandler } from '@wadm/runtime';
import type { AlertBuckets } from '../alerts/alert-buckets.js';
import { evaluateAlerts } from '../alerts/evaluator.js';

/**
 * `alerts.evaluate`: every enabled rule (or one owner's) against the latest candles. The
 * notifications go out as `notify.*` tasks of the rule's owner, submitted by this service as
 * the system: the rule's destinations were checked when it was saved, and the webhook worker
 * checks the registration again when it posts.
 */
export function createAlertsEvaluateHandler(
  buckets: AlertBuckets,
  candles: CandleStore,
  client: TaskClient,
): TaskHandler<'alerts.evaluate'> {
  return async ({ params, signal, logger }) => {
    const result = await evaluateAlerts(
      { buckets, candles, submit: (req) => client.submit(req), logger },
      params.owner,
      signal,
    );
    logger.info(result, 'alert rules evaluated');
    return result;
  };
}
