import { ErrorCode } from '@wadm/contracts';
import { NonRetryableError } from '@wadm/runtime';

/**
 * A delivery that may succeed later (SMTP 4xx, HTTP 5xx, timeouts, connection errors): thrown
 * plain, so the runtime retries it with the type's backoff. `code` is what the task state shows.
 */
export class DeliveryUnavailableError extends Error {
  override readonly name = 'DeliveryUnavailableError';
  constructor(
    readonly code: typeof ErrorCode.SMTP_UNAVAILABLE | typeof ErrorCode.WEBHOOK_UNAVAILABLE,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The SMTP server refused the mail for good (5xx): the task fails without a retry. */
export class SmtpRejectedError extends NonRetryableError {
  override readonly name = 'SmtpRejectedError';
  constructor(reply: string, options?: ErrorOptions) {
    super(`the SMTP server refused the mail: ${reply}`, {
      code: ErrorCode.SMTP_REJECTED,
      cause: options?.cause,
    });
  }
}

/** A webhook URL whose host resolves to an address outside the public internet. */
export class AddressRefusedError extends NonRetryableError {
  override readonly name = 'AddressRefusedError';
  constructor(host: string, address: string, kind: string) {
    super(
      `${host} resolves to ${address} (${kind}): webhooks reach public addresses only, ` +
        'unless WADM_WEBHOOK_ALLOW lists the host or the address',
      { code: ErrorCode.WEBHOOK_ADDRESS_REFUSED, fields: [{ path: '/params/url', message: kind }] },
    );
  }
}
