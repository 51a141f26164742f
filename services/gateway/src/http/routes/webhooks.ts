import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import type Router from '@koa/router';
import {
  MAX_WEBHOOKS_PER_USER,
  validate,
  WebhookInput,
  type WebhookRegistration,
  type WebhookView,
} from '@wadm/contracts';
import { principalOf, readBody, type ApiServices } from '../api-services.js';
import { webhookUrlRefusal } from '../notify-destinations.js';
import type { Owned } from '../owned-bucket.js';
import { HttpProblem, ProblemCode, validationProblem } from '../problem.js';

const PREFIX = '/api/v1/webhooks';

/** A registration as listed and read back: the secret is shown once, at registration. */
export function webhookView({ value }: Owned<WebhookRegistration>): WebhookView {
  return {
    id: value.id,
    owner: value.owner,
    url: value.url,
    ...(value.description === undefined ? {} : { description: value.description }),
    createdAt: value.createdAt,
  };
}

function notFound(id: string): HttpProblem {
  return new HttpProblem(404, ProblemCode.WEBHOOK_NOT_FOUND, `no webhook ${JSON.stringify(id)}`);
}

/** A random id that is a KV key token and a URL path segment as it is. */
export function newRecordId(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * `/api/v1/webhooks`: the destinations a user's `notify.webhook` tasks and alert rules may
 * post to, each with its own signing secret. A user sees and deletes their own; an admin
 * sees everyone's.
 */
export function webhookRoutes(router: Router, s: ApiServices): void {
  /** The registration `id` as the caller may see it; another user's reads as missing. */
  async function load(ctx: Context): Promise<Owned<WebhookRegistration>> {
    const id = ctx.params['id'] ?? '';
    const principal = principalOf(ctx);
    const bucket = await s.webhooks();
    const found =
      (await bucket.get(principal.user, id)) ??
      (principal.admin ? await bucket.find(id) : undefined);
    if (!found) throw notFound(id);
    return found;
  }

  router.get('/webhooks', async (ctx) => {
    const principal = principalOf(ctx);
    const all = await (await s.webhooks()).list(principal.admin ? '*' : principal.user);
    ctx.body = { webhooks: all.map(webhookView) };
  });

  router.post('/webhooks', async (ctx) => {
    const principal = principalOf(ctx);
    const body = await readBody(ctx, s);
    const fields = validate(WebhookInput, body);
    if (fields.length > 0) throw validationProblem('invalid webhook', fields);
    const input = body as WebhookInput;
    const refused = await webhookUrlRefusal(input.url, s.deps.env.webhookAllow, '/url');
    if (refused) throw refused;
    const bucket = await s.webhooks();
    // Counted before the create: two registrations racing may both pass, a bounded overshoot.
    if ((await bucket.count(principal.user)) >= MAX_WEBHOOKS_PER_USER) {
      throw new HttpProblem(
        429,
        ProblemCode.WEBHOOK_LIMIT_EXCEEDED,
        `${principal.user} has ${MAX_WEBHOOKS_PER_USER} webhooks, the most one user may register`,
      );
    }
    const registration: WebhookRegistration = {
      id: newRecordId(),
      owner: principal.user,
      url: input.url,
      ...(input.description ? { description: input.description } : {}),
      secret: `whsec_${randomBytes(32).toString('base64url')}`,
      createdAt: new Date().toISOString(),
    };
    await bucket.create(principal.user, registration.id, registration);
    ctx.status = 201;
    ctx.set('Location', `${PREFIX}/${registration.id}`);
    ctx.body = registration;
  });

  router.get('/webhooks/:id', async (ctx) => {
    ctx.body = webhookView(await load(ctx));
  });

  router.delete('/webhooks/:id', async (ctx) => {
    const found = await load(ctx);
    await (await s.webhooks()).delete(found.owner, found.id);
    ctx.status = 204;
  });
}
