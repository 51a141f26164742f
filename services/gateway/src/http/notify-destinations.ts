import type { TaskType, WebhookParams, WebhookRegistration } from '@wadm/contracts';
import { addressesOf, bareHost, refusal, type AllowList } from '@wadm/runtime';
import type { OwnedBucket } from './owned-bucket.js';
import { HttpProblem, ProblemCode, validationProblem } from './problem.js';

/**
 * Why a webhook may not go to `raw`: a host that resolves to a loopback, private, link-local …
 * address not allow-listed by WADM_WEBHOOK_ALLOW (400 naming `path`), or one that does not
 * resolve. The reports service checks again before it connects: DNS answers change.
 */
export async function webhookUrlRefusal(
  raw: string,
  allow: AllowList,
  path: string,
): Promise<HttpProblem | null> {
  const url = new URL(raw);
  const host = bareHost(url.hostname);
  let addresses: string[];
  try {
    addresses = await addressesOf(host);
  } catch {
    return validationProblem(`cannot resolve ${host}`, [
      { path, message: `host ${host} does not resolve` },
    ]);
  }
  const refused = refusal(url, addresses, allow);
  if (!refused) return null;
  const message =
    `${host} resolves to ${refused.address} (${refused.kind}): webhooks reach public ` +
    'addresses only, unless WADM_WEBHOOK_ALLOW lists the host or the address';
  return new HttpProblem(400, ProblemCode.WEBHOOK_ADDRESS_REFUSED, message, {
    errors: [{ path, message }],
  });
}

/**
 * The checks of a `notify.webhook` submission that need NATS or DNS: a registered destination
 * must be the owner's, an operator's URL must pass the address policy. (Who may give a URL at
 * all, and whose addresses a mail may go to, is the contracts' `paramRefusal`.)
 */
export class NotifyDestinations {
  constructor(
    private readonly webhooks: () => Promise<OwnedBucket<WebhookRegistration>>,
    private readonly allow: AllowList,
  ) {}

  async refusal(type: TaskType, params: unknown, owner: string): Promise<HttpProblem | null> {
    if (type !== 'notify.webhook') return null;
    const { webhook, url } = params as WebhookParams;
    if (webhook !== undefined && url === undefined) {
      if (await (await this.webhooks()).get(owner, webhook)) return null;
      const message = `is not one of ${owner}'s registered webhooks (POST /api/v1/webhooks)`;
      return new HttpProblem(403, ProblemCode.FORBIDDEN, `webhook ${webhook} ${message}`, {
        errors: [{ path: '/params/webhook', message }],
      });
    }
    if (url !== undefined && webhook === undefined) {
      return webhookUrlRefusal(url, this.allow, '/params/url');
    }
    return validationProblem('give exactly one of webhook and url', [
      {
        path: '/params/webhook',
        message: 'give a registered webhook id, or (operators) a url, not both',
      },
    ]);
  }
}
