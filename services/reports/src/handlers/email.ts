import { ErrorCode, type EmailResult } from '@wadm/contracts';
import { NonRetryableError, type TaskHandler } from '@wadm/runtime';
import type { Mailer } from '../mail/mailer.js';
import type { Deliveries } from './deliveries.js';

/**
 * `notify.email`: one mail per task, whatever happens to the worker. The send is recorded in
 * NOTIFY_SENT before the task is acked; a later attempt that finds the record sends nothing.
 */
export function createEmailHandler(
  mailer: Mailer | undefined,
  deliveries: Deliveries,
): TaskHandler<'notify.email'> {
  return async ({ id, owner, params, signal, logger }) => {
    const earlier = await deliveries.find<EmailResult>(owner, id);
    if (earlier) {
      logger.info({ messageId: earlier.messageId }, 'mail already sent by an earlier attempt');
      return { ...earlier, alreadySent: true };
    }
    if (!mailer) {
      throw new NonRetryableError('no SMTP server configured: set WADM_SMTP_URL', {
        code: ErrorCode.SMTP_NOT_CONFIGURED,
      });
    }
    const sent = await mailer.send(mailer.messageIdFor(owner, id), params, signal);
    const result: EmailResult = { ...sent, alreadySent: false };
    await deliveries.record(owner, id, result);
    logger.info({ messageId: result.messageId, accepted: result.accepted.length }, 'mail sent');
    return result;
  };
}
