import { Kvm } from '@nats-io/kv';
import type { Context } from 'koa';
import type Router from '@koa/router';
import {
  AlertRuleInput,
  BUCKETS,
  MAX_ALERTS_PER_USER,
  validate,
  type AlertRule,
  type AlertState,
} from '@wadm/contracts';
import { isCasConflict } from '@wadm/runtime';
import { principalOf, readBody, type ApiServices } from '../api-services.js';
import type { Owned } from '../owned-bucket.js';
import { HttpProblem, ProblemCode, validationProblem } from '../problem.js';
import { newRecordId } from './webhooks.js';

const PREFIX = '/api/v1/alerts';

function notFound(id: string): HttpProblem {
  return new HttpProblem(404, ProblemCode.ALERT_NOT_FOUND, `no alert rule ${JSON.stringify(id)}`);
}

function forbiddenField(path: string, message: string): HttpProblem {
  return new HttpProblem(403, ProblemCode.FORBIDDEN, message, { errors: [{ path, message }] });
}

/**
 * `/api/v1/alerts`: price and indicator alert rules, evaluated by `alerts.evaluate`. A user
 * sees and changes their own; an admin sees everyone's. A rule's channels are checked when it
 * is saved: email goes to the owner's own address (the token's `email` claim, remembered in
 * the rule), a webhook to one the owner registered.
 */
export function alertRoutes(router: Router, s: ApiServices): void {
  let opened: ReturnType<Kvm['open']> | undefined;
  const states = () => (opened ??= new Kvm(s.deps.nc).open(BUCKETS.alertState));

  /** The rule `id` as the caller may see it; another user's reads as missing. */
  async function load(ctx: Context): Promise<Owned<AlertRule>> {
    const id = ctx.params['id'] ?? '';
    const principal = principalOf(ctx);
    const bucket = await s.alerts();
    const found =
      (await bucket.get(principal.user, id)) ??
      (principal.admin ? await bucket.find(id) : undefined);
    if (!found) throw notFound(id);
    return found;
  }

  /**
   * The body as a rule input, defaults filled in, its channels allowed for `owner`, whose
   * address (if any) is `email`.
   */
  async function checkInput(owner: string, email: string | undefined, body: unknown) {
    const fields = validate(AlertRuleInput, body);
    if (fields.length > 0) throw validationProblem('invalid alert rule', fields);
    const input = body as AlertRuleInput;
    if (!input.channels.email && input.channels.webhook === undefined) {
      throw validationProblem('an alert needs a channel', [
        { path: '/channels', message: 'set email: true, a registered webhook id, or both' },
      ]);
    }
    if (input.channels.email && !email) {
      throw forbiddenField(
        '/channels/email',
        `no (verified) email claim is known for ${owner}: there is no address of theirs to mail`,
      );
    }
    const { webhook } = input.channels;
    if (webhook !== undefined && !(await (await s.webhooks()).get(owner, webhook))) {
      throw forbiddenField(
        '/channels/webhook',
        `webhook ${webhook} is not one of ${owner}'s registered webhooks (POST /api/v1/webhooks)`,
      );
    }
    return input;
  }

  router.get('/alerts', async (ctx) => {
    const principal = principalOf(ctx);
    const rules = await (await s.alerts()).list(principal.admin ? '*' : principal.user);
    ctx.body = { alerts: rules.map((r) => r.value) };
  });

  router.post('/alerts', async (ctx) => {
    const principal = principalOf(ctx);
    const input = await checkInput(principal.user, principal.email, await readBody(ctx, s));
    const bucket = await s.alerts();
    // Counted before the create: two creations racing may both pass, a bounded overshoot.
    if ((await bucket.count(principal.user)) >= MAX_ALERTS_PER_USER) {
      throw new HttpProblem(
        429,
        ProblemCode.ALERT_LIMIT_EXCEEDED,
        `${principal.user} has ${MAX_ALERTS_PER_USER} alert rules, the most one user may keep`,
      );
    }
    const now = new Date().toISOString();
    const rule: AlertRule = {
      ...input,
      id: newRecordId(),
      owner: principal.user,
      ...(input.channels.email && principal.email ? { email: principal.email } : {}),
      createdAt: now,
      updatedAt: now,
    };
    await bucket.create(rule.owner, rule.id, rule);
    ctx.status = 201;
    ctx.set('Location', `${PREFIX}/${rule.id}`);
    ctx.body = rule;
  });

  router.get('/alerts/:id', async (ctx) => {
    const { value } = await load(ctx);
    const entry = await (await states()).get(`${value.owner}.${value.id}`);
    const state = entry?.operation === 'PUT' ? entry.json<AlertState>() : null;
    ctx.body = { ...value, state };
  });

  router.put('/alerts/:id', async (ctx) => {
    const principal = principalOf(ctx);
    const found = await load(ctx);
    // The caller's own address; an admin editing another user's rule has only the owner's.
    const email = found.owner === principal.user ? principal.email : found.value.email;
    const input = await checkInput(found.owner, email, await readBody(ctx, s));
    const rule: AlertRule = {
      ...input,
      id: found.id,
      owner: found.owner,
      ...(input.channels.email && email ? { email } : {}),
      createdAt: found.value.createdAt,
      updatedAt: new Date().toISOString(),
    };
    try {
      await (await s.alerts()).update(found.owner, found.id, rule, found.revision);
    } catch (err) {
      if (!isCasConflict(err)) throw err;
      throw new HttpProblem(409, ProblemCode.WRITE_CONFLICT, 'the rule changed meanwhile: retry');
    }
    ctx.body = rule;
  });

  router.delete('/alerts/:id', async (ctx) => {
    const found = await load(ctx);
    // Its state in ALERT_STATE goes at the next alerts.evaluate (the reports service's bucket).
    await (await s.alerts()).delete(found.owner, found.id);
    ctx.status = 204;
  });
}
