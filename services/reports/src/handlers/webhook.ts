import {
  ErrorCode,
  type FieldError,
  type WebhookParams,
  type WebhookResult,
} from '@wadm/contracts';
import { addressesOf, bareHost, NonRetryableError, refusal, type TaskHandler } from '@wadm/runtime';
import type { ReportsEnv } from '../env.js';
import { AddressRefusedError, DeliveryUnavailableError } from '../errors.js';
import type { WebhookRegistry } from '../notify/webhook-registry.js';
import { postPinned } from '../webhook/post.js';
import { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from '../webhook/signature.js';
import type { Deliveries } from './deliveries.js';

/** Headers the service sets itself: a task may not replace them. */
const RESERVED = new Set([
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Retrying helps with these 4xx: the receiver asks to come back later. */
const RETRYABLE_4XX = new Set([408, 429]);

/**
 * `notify.webhook`: a signed JSON POST to a public address (or an allow-listed one), never
 * redirected, retried on 5xx, 408, 429, timeouts and connection errors.
 */
export function createWebhookHandler(
  env: Pick<ReportsEnv, 'webhookSecret' | 'webhookTimeoutMs' | 'webhookAllow'>,
  deliveries: Deliveries,
  registry: WebhookRegistry,
): TaskHandler<'notify.webhook'> {
  return async ({ id, owner, params, signal, logger }) => {
    const earlier = await deliveries.find<WebhookResult>(owner, id);
    if (earlier) {
      logger.info({ status: earlier.status }, 'webhook already delivered by an earlier attempt');
      return { ...earlier, alreadySent: true };
    }
    const destination = await destinationOf(params, owner, env.webhookSecret, registry);
    const extra = checkedHeaders(params.headers);
    const url = new URL(destination.url);
    const address = await resolveAllowed(url, env.webhookAllow);
    const body = JSON.stringify(params.body ?? null);
    const timestamp = Math.floor(Date.now() / 1000);
    const timeout = AbortSignal.timeout(env.webhookTimeoutMs);
    const started = performance.now();
    let res;
    try {
      res = await postPinned({
        url,
        address,
        body,
        signal: AbortSignal.any([signal, timeout]),
        headers: {
          ...extra,
          'content-type': 'application/json',
          'user-agent': 'WADM-Webhook/1',
          'x-wadm-task-id': id,
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: signWebhook(destination.secret, timestamp, body),
        },
      });
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      const why = timeout.aborted
        ? `no answer within ${env.webhookTimeoutMs} ms (WADM_WEBHOOK_TIMEOUT_MS)`
        : err instanceof Error
          ? err.message
          : String(err);
      throw new DeliveryUnavailableError(
        ErrorCode.WEBHOOK_UNAVAILABLE,
        `POST ${url.origin}: ${why}`,
        { cause: err },
      );
    }
    const durationMs = Math.round(performance.now() - started);
    judge(url, res.status, res.headers.location, res.excerpt);
    const result: WebhookResult = {
      status: res.status,
      address,
      durationMs,
      sentAt: new Date().toISOString(),
      alreadySent: false,
    };
    await deliveries.record(owner, id, result);
    logger.info({ status: res.status, durationMs }, 'webhook delivered');
    return result;
  };
}

/**
 * Where the POST goes and the key that signs it: the owner's registered destination (looked up
 * now: it may have been deleted since the task was submitted), or an operator's `url` signed
 * with the service's own secret.
 */
async function destinationOf(
  params: WebhookParams,
  owner: string,
  serviceSecret: string | undefined,
  registry: WebhookRegistry,
): Promise<{ url: string; secret: string }> {
  const { webhook, url } = params;
  if (webhook !== undefined && url === undefined) {
    const registered = await registry.find(owner, webhook);
    if (!registered) {
      throw new NonRetryableError(
        `${owner} has no registered webhook ${webhook} (deleted after submission?)`,
        {
          code: ErrorCode.WEBHOOK_NOT_REGISTERED,
          fields: [{ path: '/params/webhook', message: 'is not a registered webhook' }],
        },
      );
    }
    return { url: registered.url, secret: registered.secret };
  }
  if (url !== undefined && webhook === undefined) {
    if (!serviceSecret) {
      throw new NonRetryableError('webhooks are not signed here: set WADM_WEBHOOK_SECRET', {
        code: ErrorCode.WEBHOOK_NOT_CONFIGURED,
      });
    }
    return { url, secret: serviceSecret };
  }
  throw new NonRetryableError('give exactly one of webhook and url', {
    code: ErrorCode.VALIDATION_FAILED,
    fields: [{ path: '/params/webhook', message: 'give exactly one of webhook and url' }],
  });
}

/** Throws unless the status is 2xx: which failures are worth a retry is decided here. */
function judge(url: URL, status: number, location: string | undefined, excerpt: string): void {
  if (status >= 200 && status < 300) return;
  const answer = `POST ${url.origin}${url.pathname} answered ${status}`;
  const detail = excerpt ? `: ${excerpt.slice(0, 200)}` : '';
  if (status >= 300 && status < 400) {
    throw new NonRetryableError(
      `${answer} redirecting to ${location ?? '(no Location)'}; redirects are not followed`,
      { code: ErrorCode.WEBHOOK_REDIRECTED },
    );
  }
  if (status >= 400 && status < 500 && !RETRYABLE_4XX.has(status)) {
    throw new NonRetryableError(`${answer}${detail}`, { code: ErrorCode.WEBHOOK_REJECTED });
  }
  throw new DeliveryUnavailableError(ErrorCode.WEBHOOK_UNAVAILABLE, `${answer}${detail}`);
}

/** The task's own headers, refused when they would replace ours or break the request. */
function checkedHeaders(headers: WebhookParams['headers']): Record<string, string> {
  const fields: FieldError[] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    const path = `/params/headers/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const lower = name.toLowerCase();
    if (!HEADER_NAME.test(name)) fields.push({ path, message: 'not a valid header name' });
    else if (RESERVED.has(lower) || lower.startsWith('x-wadm-')) {
      fields.push({ path, message: 'set by the service; a task may not replace it' });
    } else if (!HEADER_VALUE.test(value)) {
      fields.push({ path, message: 'control characters are not allowed in a header value' });
    }
  }
  if (fields.length > 0) {
    throw new NonRetryableError('webhook headers refused', {
      code: ErrorCode.VALIDATION_FAILED,
      fields,
    });
  }
  return { ...headers };
}

/**
 * Resolves the host once and returns the address to connect to, after checking every address
 * it resolves to. DNS failures are retried: a resolver may be down for a while.
 */
async function resolveAllowed(url: URL, allow: ReportsEnv['webhookAllow']): Promise<string> {
  const host = bareHost(url.hostname);
  let addresses: string[];
  try {
    addresses = await addressesOf(host);
  } catch (err) {
    throw new DeliveryUnavailableError(
      ErrorCode.WEBHOOK_UNAVAILABLE,
      `cannot resolve ${host}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  const refused = refusal(url, addresses, allow);
  if (refused) throw new AddressRefusedError(host, refused.address, refused.kind);
  const [first] = addresses;
  if (first === undefined) {
    throw new DeliveryUnavailableError(ErrorCode.WEBHOOK_UNAVAILABLE, `${host} has no address`);
  }
  return first;
}
