import { signDevToken } from '@wadm/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  rawToken,
  send,
  SECRET,
  startHarness,
  token,
  uniqueUser,
  type Harness,
} from './harness.js';

let h: Harness;
let port: number;
/** A loopback port the app allow-lists, standing for an operator's internal receiver. */
const ALLOWED_PORT = 45_123;

beforeAll(async () => {
  h = await startHarness();
  ({ port } = await h.startApp({ WADM_WEBHOOK_ALLOW: `127.0.0.1:${ALLOWED_PORT}` }));
});
afterAll(() => h?.close());

function userToken(user: string, email?: string, admin = false): Promise<string> {
  return signDevToken({ secret: SECRET, user, admin, ...(email ? { email } : {}) });
}

const submit = (t: string, type: string, params: unknown) =>
  send(port, 'POST', '/api/v1/tasks', { token: t, body: { type, params } });

const mail = (to: string[]) => ({ to, subject: 'hello', text: 'hi' });

describe('notify destinations', () => {
  it('notify.email - a user mails their own address only; another address is 403 naming the field', async () => {
    const user = uniqueUser();
    const t = await userToken(user, 'Alice@Example.com');
    const own = await submit(t, 'notify.email', mail(['alice@example.com']));
    expect(own.status, own.text).toBe(202);

    const other = await submit(t, 'notify.email', mail(['alice@example.com', 'bob@example.com']));
    expect(other.status).toBe(403);
    expect(other.headers['content-type']).toContain('application/problem+json');
    expect(other.json).toMatchObject({ code: 'FORBIDDEN', errors: [{ path: '/params/to' }] });

    const noClaim = await submit(await token(uniqueUser()), 'notify.email', mail(['a@b.co']));
    expect(noClaim.status).toBe(403);
    expect(noClaim.json.errors[0].path).toBe('/params/to');

    const admin = await submit(await token(uniqueUser(), true), 'notify.email', mail(['x@y.co']));
    expect(admin.status, admin.text).toBe(202);
  });

  it('notify.email - an unverified email claim is no address of the user', async () => {
    const unverified = rawToken({
      sub: uniqueUser(),
      email: 'carol@example.com',
      email_verified: false,
      exp: Math.floor(Date.now() / 1000) + 600,
    });
    const res = await submit(unverified, 'notify.email', mail(['carol@example.com']));
    expect(res.status).toBe(403);
  });

  it('webhooks - a user registers a destination, sees its secret once, and only their own', async () => {
    const user = uniqueUser();
    const t = await token(user);
    const url = `http://127.0.0.1:${ALLOWED_PORT}/hook`;
    const made = await send(port, 'POST', '/api/v1/webhooks', {
      token: t,
      body: { url, description: 'desk' },
    });
    expect(made.status, made.text).toBe(201);
    expect(made.json).toMatchObject({ url, owner: user, description: 'desk' });
    expect(made.json.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(made.headers['location']).toBe(`/api/v1/webhooks/${made.json.id}`);

    const listed = await send(port, 'GET', '/api/v1/webhooks', { token: t });
    expect(listed.json.webhooks).toEqual([
      { id: made.json.id, owner: user, url, description: 'desk', createdAt: made.json.createdAt },
    ]);
    const one = await send(port, 'GET', `/api/v1/webhooks/${made.json.id}`, { token: t });
    expect(one.json.secret).toBeUndefined();

    const stranger = await token(uniqueUser());
    const theirs = await send(port, 'GET', `/api/v1/webhooks/${made.json.id}`, { token: stranger });
    expect(theirs.status).toBe(404);
    expect(theirs.json.code).toBe('WEBHOOK_NOT_FOUND');
    const del = await send(port, 'DELETE', `/api/v1/webhooks/${made.json.id}`, { token: stranger });
    expect(del.status).toBe(404);

    const admin = await token(uniqueUser(), true);
    const seen = await send(port, 'GET', `/api/v1/webhooks/${made.json.id}`, { token: admin });
    expect(seen.json.owner).toBe(user);

    expect(
      (await send(port, 'DELETE', `/api/v1/webhooks/${made.json.id}`, { token: t })).status,
    ).toBe(204);
    expect((await send(port, 'GET', '/api/v1/webhooks', { token: t })).json.webhooks).toEqual([]);
  });

  it('webhooks - loopback, link-local, private and unresolvable destinations are refused at registration', async () => {
    const t = await token(uniqueUser());
    for (const [url, kind] of [
      ['http://127.0.0.1:8080/hook', 'loopback'],
      ['http://169.254.169.254/latest/meta-data/', 'link-local'],
      ['http://[::ffff:127.0.0.1]/x', 'loopback'],
      ['http://10.0.0.7/hook', 'private'],
      [`http://localhost:${ALLOWED_PORT}/hook`, 'loopback'],
    ] as const) {
      const res = await send(port, 'POST', '/api/v1/webhooks', { token: t, body: { url } });
      expect(res.status, url).toBe(400);
      expect(res.json).toMatchObject({
        code: 'WEBHOOK_ADDRESS_REFUSED',
        errors: [{ path: '/url' }],
      });
      expect(res.json.detail).toContain(`(${kind})`);
    }
    const unresolvable = await send(port, 'POST', '/api/v1/webhooks', {
      token: t,
      body: { url: 'http://no-such-host.invalid/hook' },
    });
    expect(unresolvable.status).toBe(400);
    expect(unresolvable.json.errors[0].path).toBe('/url');
    const bad = await send(port, 'POST', '/api/v1/webhooks', {
      token: t,
      body: { url: 'ftp://example.com/x', extra: 1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors.map((e: { path: string }) => e.path).sort()).toEqual(['/extra', '/url']);
  });

  it("notify.webhook - a user posts to a registered destination only; a URL or a stranger's id is refused", async () => {
    const user = uniqueUser();
    const t = await token(user);
    const url = `http://127.0.0.1:${ALLOWED_PORT}/hook`;
    const made = await send(port, 'POST', '/api/v1/webhooks', { token: t, body: { url } });
    const id: string = made.json.id;

    const ok = await submit(t, 'notify.webhook', { webhook: id, body: { a: 1 } });
    expect(ok.status, ok.text).toBe(202);

    const byUrl = await submit(t, 'notify.webhook', { url, body: {} });
    expect(byUrl.status).toBe(403);
    expect(byUrl.json.errors[0].path).toBe('/params/url');

    const unregistered = await submit(t, 'notify.webhook', { webhook: 'nope', body: {} });
    expect(unregistered.status).toBe(403);
    expect(unregistered.json.errors[0].path).toBe('/params/webhook');

    const stranger = await submit(await token(uniqueUser()), 'notify.webhook', {
      webhook: id,
      body: {},
    });
    expect(stranger.status).toBe(403);

    const neither = await submit(t, 'notify.webhook', { body: {} });
    expect(neither.status).toBe(400);
    expect(neither.json.errors[0].path).toBe('/params/webhook');
  });

  it('notify.webhook - an admin may give a URL, but not one outside the address policy', async () => {
    const admin = await token(uniqueUser(), true);
    const allowed = await submit(admin, 'notify.webhook', {
      url: `http://127.0.0.1:${ALLOWED_PORT}/ops`,
      body: {},
    });
    expect(allowed.status, allowed.text).toBe(202);
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://127.0.0.1:6379/']) {
      const res = await submit(admin, 'notify.webhook', { url, body: {} });
      expect(res.status, url).toBe(400);
      expect(res.json).toMatchObject({
        code: 'WEBHOOK_ADDRESS_REFUSED',
        errors: [{ path: '/params/url' }],
      });
    }
  });
});
