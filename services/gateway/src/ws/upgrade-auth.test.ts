import { createVerifier, signDevToken } from '@wadm/auth';
import { describe, expect, it } from 'vitest';
import {
  findToken,
  precheckUpgrade,
  refusalResponse,
  verifyAdmission,
  type Claimed,
  type UpgradeCredentials,
} from './upgrade-auth.js';

const SECRET = 'upgrade-auth-unit-test-secret-32-chars!';
const verify = createVerifier({ secret: SECRET });

function creds(over: Partial<UpgradeCredentials>): UpgradeCredentials {
  return { channel: 'alice', protocols: '', authorization: '', queryToken: undefined, ...over };
}

async function token(user: string, admin = false, expiresIn?: string): Promise<string> {
  return signDevToken({ secret: SECRET, user, admin, ...(expiresIn ? { expiresIn } : {}) });
}

describe('upgrade auth', () => {
  it('upgrade auth - finds the token after "bearer" in the subprotocols and echoes only "bearer"', () => {
    expect(findToken(creds({ protocols: 'bearer, a.b.c' }))).toEqual({
      token: 'a.b.c',
      protocol: 'bearer',
    });
    expect(findToken(creds({ protocols: 'wadm.v1, Bearer,a.b.c' })).token).toBe('a.b.c');
    expect(findToken(creds({ authorization: 'Bearer x.y.z' }))).toEqual({
      token: 'x.y.z',
      protocol: '',
    });
    expect(findToken(creds({ queryToken: 'q.q.q' })).token).toBe('q.q.q');
    expect(findToken(creds({ protocols: 'bearer' })).token).toBeUndefined();
  });

  it('upgrade auth - refuses before the upgrade what the claims alone decide', async () => {
    expect(precheckUpgrade(creds({}))).toMatchObject({ ok: false, status: 401 });
    expect(precheckUpgrade(creds({ queryToken: 'nope' }))).toMatchObject({
      status: 401,
      detail: 'invalid token',
    });
    const expired = await token('alice', false, '-1m');
    expect(precheckUpgrade(creds({ queryToken: expired }))).toMatchObject({
      status: 401,
      detail: 'token expired',
    });
    const alice = await token('alice');
    expect(precheckUpgrade(creds({ channel: 'bob', queryToken: alice }))).toMatchObject({
      status: 403,
      code: 'FORBIDDEN',
    });
    expect(precheckUpgrade(creds({ channel: null, queryToken: alice }))).toMatchObject({
      status: 403,
    });
    expect(precheckUpgrade(creds({ channel: 'a.b', queryToken: alice }))).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
    });
  });

  it('upgrade auth - lets a user open their own channel and an admin any channel', async () => {
    const alice = await token('alice');
    expect(precheckUpgrade(creds({ protocols: `bearer, ${alice}` }))).toMatchObject({
      ok: true,
      owner: 'alice',
      user: 'alice',
      protocol: 'bearer',
    });
    const root = await token('root', true);
    expect(precheckUpgrade(creds({ channel: 'bob', queryToken: root }))).toMatchObject({
      ok: true,
      owner: 'bob',
    });
    expect(precheckUpgrade(creds({ channel: null, queryToken: root }))).toMatchObject({
      ok: true,
      owner: null,
    });
  });

  it('upgrade auth - admits only a token whose signature verifies', async () => {
    const good = precheckUpgrade(creds({ queryToken: await token('alice') })) as Claimed;
    const admitted = await verifyAdmission(good, verify);
    expect(admitted).toMatchObject({ ok: true, principal: { user: 'alice', admin: false } });
    expect(admitted.ok && admitted.expiresAtMs).toBeGreaterThan(Date.now());

    const forged = await signDevToken({
      secret: 'another-secret-of-32-characters!!',
      user: 'alice',
    });
    const claimed = precheckUpgrade(creds({ queryToken: forged })) as Claimed;
    expect(claimed.ok).toBe(true);
    expect(await verifyAdmission(claimed, verify)).toMatchObject({ ok: false, status: 401 });
  });

  it('upgrade auth - writes refusals as problem+json with a Bearer challenge on 401', () => {
    const r = refusalResponse({ ok: false, status: 401, code: 'UNAUTHORIZED', detail: 'no' });
    expect(r.status).toBe('401 Unauthorized');
    expect(r.headers).toMatchObject({
      'content-type': 'application/problem+json',
      'www-authenticate': 'Bearer realm="wadm"',
    });
    expect(JSON.parse(r.body)).toEqual({
      type: '/docs#problem-unauthorized',
      title: 'Unauthorized',
      status: 401,
      detail: 'no',
      code: 'UNAUTHORIZED',
    });
    const f = refusalResponse({ ok: false, status: 403, code: 'FORBIDDEN', detail: 'x' });
    expect(f.headers['www-authenticate']).toBeUndefined();
  });
});
