import { signDevToken } from '@wadm/auth';
import { MAX_ALERTS_PER_USER } from '@wadm/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, SECRET, startHarness, token, uniqueUser, type Harness } from './harness.js';

let h: Harness;
let port: number;
const HOOK_PORT = 45_124;

beforeAll(async () => {
  h = await startHarness();
  ({ port } = await h.startApp({ WADM_WEBHOOK_ALLOW: `127.0.0.1:${HOOK_PORT}` }));
});
afterAll(() => h?.close());

const rule = (extra: Record<string, unknown> = {}) => ({
  symbol: 'BTCUSDT',
  timeframe: '1h',
  condition: { kind: 'price_cross', direction: 'up', level: 100_000 },
  channels: { email: true },
  ...extra,
});

const withEmail = (user: string) =>
  signDevToken({ secret: SECRET, user, email: `${user}@example.com` });

describe('alerts API', () => {
  it('alerts - a user creates, reads, replaces and deletes a rule; the email is their own', async () => {
    const user = uniqueUser();
    const t = await withEmail(user);
    const made = await send(port, 'POST', '/api/v1/alerts', {
      token: t,
      body: rule({ name: 'ath' }),
    });
    expect(made.status, made.text).toBe(201);
    expect(made.json).toMatchObject({
      owner: user,
      name: 'ath',
      email: `${user}@example.com`,
      cooldownSeconds: 3600,
      enabled: true,
    });
    const id: string = made.json.id;
    expect(made.headers['location']).toBe(`/api/v1/alerts/${id}`);

    const got = await send(port, 'GET', `/api/v1/alerts/${id}`, { token: t });
    expect(got.json).toMatchObject({ id, state: null });

    const replaced = await send(port, 'PUT', `/api/v1/alerts/${id}`, {
      token: t,
      body: rule({
        condition: { kind: 'rsi', direction: 'below', level: 30, period: 14 },
        cooldownSeconds: 60,
        enabled: false,
      }),
    });
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.json).toMatchObject({ id, createdAt: made.json.createdAt, enabled: false });
    expect(replaced.json.updatedAt >= made.json.updatedAt).toBe(true);

    const list = await send(port, 'GET', '/api/v1/alerts', { token: t });
    expect(list.json.alerts.map((a: { id: string }) => a.id)).toEqual([id]);

    expect((await send(port, 'DELETE', `/api/v1/alerts/${id}`, { token: t })).status).toBe(204);
    expect((await send(port, 'GET', `/api/v1/alerts/${id}`, { token: t })).status).toBe(404);
  });

  it("alerts - another user's rule is not found; an admin sees it", async () => {
    const owner = uniqueUser();
    const made = await send(port, 'POST', '/api/v1/alerts', {
      token: await withEmail(owner),
      body: rule(),
    });
    const path = `/api/v1/alerts/${made.json.id}`;
    const stranger = await withEmail(uniqueUser());
    for (const [method, body] of [['GET'], ['PUT', rule()], ['DELETE']] as const) {
      const res = await send(port, method, path, { token: stranger, ...(body ? { body } : {}) });
      expect(res.status, method).toBe(404);
      expect(res.json.code).toBe('ALERT_NOT_FOUND');
    }
    const strangerList = await send(port, 'GET', '/api/v1/alerts', { token: stranger });
    expect(strangerList.json.alerts).toEqual([]);
    const admin = await token(uniqueUser(), true);
    expect((await send(port, 'GET', path, { token: admin })).json.owner).toBe(owner);
    const all = await send(port, 'GET', '/api/v1/alerts', { token: admin });
    expect(all.json.alerts.some((a: { id: string }) => a.id === made.json.id)).toBe(true);
  });

  it('alerts - bad input is a 400 problem naming the field', async () => {
    const t = await withEmail(uniqueUser());
    const cases: [Record<string, unknown>, string][] = [
      [rule({ symbol: 'btc' }), '/symbol'],
      [rule({ timeframe: '2h' }), '/timeframe'],
      [
        rule({ condition: { kind: 'price_cross', direction: 'up', level: -1 } }),
        '/condition/level',
      ],
      [rule({ condition: { kind: 'rsi', direction: 'above', level: 130 } }), '/condition/level'],
      [rule({ condition: { kind: 'moon' } }), '/condition/kind'],
      [rule({ cooldownSeconds: -5 }), '/cooldownSeconds'],
      [rule({ channels: {} }), '/channels'],
      [rule({ extra: true }), '/extra'],
    ];
    for (const [body, path] of cases) {
      const res = await send(port, 'POST', '/api/v1/alerts', { token: t, body });
      expect(res.status, path).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json.code).toBe('VALIDATION_FAILED');
      expect(
        res.json.errors.map((e: { path: string }) => e.path),
        path,
      ).toContain(path);
    }
  });

  it("alerts - channels must be the owner's: no email claim, or a webhook not registered, is 403", async () => {
    const user = uniqueUser();
    const noEmail = await token(user);
    const mailless = await send(port, 'POST', '/api/v1/alerts', { token: noEmail, body: rule() });
    expect(mailless.status).toBe(403);
    expect(mailless.json.errors[0].path).toBe('/channels/email');

    const hook = await send(port, 'POST', '/api/v1/webhooks', {
      token: noEmail,
      body: { url: `http://127.0.0.1:${HOOK_PORT}/alerts` },
    });
    expect(hook.status, hook.text).toBe(201);
    const viaHook = await send(port, 'POST', '/api/v1/alerts', {
      token: noEmail,
      body: rule({ channels: { webhook: hook.json.id } }),
    });
    expect(viaHook.status, viaHook.text).toBe(201);

    const stranger = await withEmail(uniqueUser());
    const theirs = await send(port, 'POST', '/api/v1/alerts', {
      token: stranger,
      body: rule({ channels: { webhook: hook.json.id } }),
    });
    expect(theirs.status).toBe(403);
    expect(theirs.json.errors[0].path).toBe('/channels/webhook');
  });

  it('alerts - a user keeps at most the limit of rules', async () => {
    const t = await withEmail(uniqueUser());
    for (let i = 0; i < MAX_ALERTS_PER_USER; i++) {
      const res = await send(port, 'POST', '/api/v1/alerts', { token: t, body: rule() });
      expect(res.status).toBe(201);
    }
    const over = await send(port, 'POST', '/api/v1/alerts', { token: t, body: rule() });
    expect(over.status).toBe(429);
    expect(over.json.code).toBe('ALERT_LIMIT_EXCEEDED');
  });
});
