import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { AuthError, bearerToken, createVerifier, signDevToken } from '../src/index.js';

const secret = 'a-development-secret-of-enough-length';
const HOUR = 3600;

/** Seconds since the epoch, as JWT time claims count them. */
const nowS = (): number => Math.floor(Date.now() / 1000);

/** An HS256 token with exactly the time claims given, signed with jose directly. */
function signClaims(claims: {
  iat?: number;
  nbf?: number;
  exp?: number;
  roles?: string[];
}): Promise<string> {
  let jwt = new SignJWT({ roles: claims.roles ?? [] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('alice');
  if (claims.iat !== undefined) jwt = jwt.setIssuedAt(claims.iat);
  if (claims.nbf !== undefined) jwt = jwt.setNotBefore(claims.nbf);
  if (claims.exp !== undefined) jwt = jwt.setExpirationTime(claims.exp);
  return jwt.sign(new TextEncoder().encode(secret));
}

describe('HS256 (development)', () => {
  const verify = createVerifier({ secret });

  it('accepts a dev token and reads the admin role', async () => {
    expect(await verify(await signDevToken({ secret, user: 'alice' }))).toEqual({
      user: 'alice',
      admin: false,
      system: false,
    });
    const admin = await signDevToken({ secret, user: 'root', admin: true });
    expect(await verify(admin)).toEqual({ user: 'root', admin: true, system: false });
  });

  it('refuses a wrong secret, an expired token, garbage and a bad subject', async () => {
    await expect(verify(await signDevToken({ secret: `${secret}x`, user: 'a' }))).rejects.toThrow(
      'invalid token',
    );
    const expired = await signDevToken({ secret, user: 'a', expiresIn: '-1m' });
    await expect(verify(expired)).rejects.toThrow('token expired');
    await expect(verify('not.a.token')).rejects.toThrow('invalid token');
    await expect(verify(await signDevToken({ secret, user: 'bad.user' }))).rejects.toThrow(
      /subject/,
    );
  });

  it('parses bearer headers strictly', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('token lifetime and clock skew', () => {
  const verify = createVerifier({ secret });

  it('verifier - refuses a token without exp', async () => {
    const noExp = await signClaims({ iat: nowS() });
    await expect(verify(noExp)).rejects.toThrow('token has no exp claim');
    await expect(verify(noExp)).rejects.toBeInstanceOf(AuthError);
  });

  it('verifier - refuses a lifetime (exp - iat) over 24 h and accepts exactly 24 h', async () => {
    const iat = nowS();
    await expect(verify(await signClaims({ iat, exp: iat + 25 * HOUR }))).rejects.toThrow(
      'token lifetime 25h exceeds the maximum of 24h',
    );
    expect(await verify(await signClaims({ iat, exp: iat + 24 * HOUR }))).toMatchObject({
      user: 'alice',
    });
  });

  it('verifier - measures exp - now when the token has no iat', async () => {
    await expect(verify(await signClaims({ exp: nowS() + 30 * HOUR }))).rejects.toThrow(
      /token lifetime \S+ exceeds the maximum of 24h/,
    );
    expect(await verify(await signClaims({ exp: nowS() + HOUR }))).toMatchObject({
      user: 'alice',
    });
  });

  it('verifier - refuses an old iat whose exp - iat is too long, though little time is left', async () => {
    const iat = nowS() - 47 * HOUR;
    await expect(verify(await signClaims({ iat, exp: iat + 48 * HOUR }))).rejects.toThrow(
      'token lifetime 48h exceeds the maximum of 24h',
    );
  });

  it('verifier - takes the maximum from maxLifetimeSeconds', async () => {
    const short = createVerifier({ secret, maxLifetimeSeconds: HOUR });
    const iat = nowS();
    await expect(short(await signClaims({ iat, exp: iat + 2 * HOUR }))).rejects.toThrow(
      'token lifetime 2h exceeds the maximum of 1h',
    );
    expect(await short(await signClaims({ iat, exp: iat + 30 * 60 }))).toMatchObject({
      user: 'alice',
    });
    expect(() => createVerifier({ secret, maxLifetimeSeconds: 0 })).toThrow(/maxLifetimeSeconds/);
    expect(() => createVerifier({ secret, clockSkewSeconds: -1 })).toThrow(/clockSkewSeconds/);
  });

  it('verifier - tolerates an nbf a few seconds ahead, not 30 s', async () => {
    const now = nowS();
    expect(
      await verify(await signClaims({ iat: now, nbf: now + 3, exp: now + HOUR })),
    ).toMatchObject({ user: 'alice' });
    await expect(
      verify(await signClaims({ iat: now, nbf: now + 30, exp: now + HOUR })),
    ).rejects.toThrow('token not valid yet (nbf is in the future)');
  });

  it('verifier - refuses an iat more than the skew in the future', async () => {
    const now = nowS();
    await expect(verify(await signClaims({ iat: now + 30, exp: now + HOUR }))).rejects.toThrow(
      /token issued in the future: iat is (29|30)s ahead \(clock skew allowed: 5s\)/,
    );
    expect(await verify(await signClaims({ iat: now + 3, exp: now + HOUR }))).toMatchObject({
      user: 'alice',
    });
  });

  it('verifier - tolerates an exp a few seconds past, not 30 s', async () => {
    const now = nowS();
    expect(await verify(await signClaims({ iat: now - HOUR, exp: now - 2 }))).toMatchObject({
      user: 'alice',
    });
    await expect(verify(await signClaims({ iat: now - HOUR, exp: now - 30 }))).rejects.toThrow(
      'token expired',
    );
  });

  it('verifier - takes the skew from clockSkewSeconds', async () => {
    const strict = createVerifier({ secret, clockSkewSeconds: 0 });
    const now = nowS();
    await expect(
      strict(await signClaims({ iat: now, nbf: now + 3, exp: now + HOUR })),
    ).rejects.toThrow('token not valid yet');
    const lenient = createVerifier({ secret, clockSkewSeconds: 60 });
    expect(await lenient(await signClaims({ iat: now + 30, exp: now + HOUR }))).toMatchObject({
      user: 'alice',
    });
  });

  it('signDevToken - a default 12 h dev token passes the default limits', async () => {
    expect(await verify(await signDevToken({ secret, user: 'dev' }))).toEqual({
      user: 'dev',
      admin: false,
      system: false,
    });
  });
});

describe('roles', () => {
  const verify = createVerifier({ secret });

  it('principalFromClaims - reads the system role beside admin', async () => {
    const now = nowS();
    expect(
      await verify(await signClaims({ iat: now, exp: now + HOUR, roles: ['system'] })),
    ).toEqual({ user: 'alice', admin: false, system: true });
    const both = await signClaims({ iat: now, exp: now + HOUR, roles: ['admin', 'system'] });
    expect(await verify(both)).toEqual({ user: 'alice', admin: true, system: true });
  });

  it('signDevToken - system: true adds the system role', async () => {
    const token = await signDevToken({ secret, user: 'scheduler', system: true });
    expect(await verify(token)).toEqual({ user: 'scheduler', admin: false, system: true });
  });
});

describe('RS256 from a JWKS URL (production)', () => {
  let server: Server;
  afterAll(() => new Promise((resolve) => server?.close(resolve)));

  it('verifies tokens signed by a key the JWKS publishes', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => res.end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const verify = createVerifier({
      jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
      issuer: 'https://id.wadm.example',
    });
    const sign = (iss: string) =>
      new SignJWT({ roles: ['admin'] })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('carol')
        .setIssuer(iss)
        .setExpirationTime('5m')
        .sign(privateKey);
    expect(await verify(await sign('https://id.wadm.example'))).toEqual({
      user: 'carol',
      admin: true,
      system: false,
    });
    await expect(verify(await sign('https://evil.example'))).rejects.toThrow(/claim invalid/);
    await expect(verify(await signDevToken({ secret, user: 'carol' }))).rejects.toThrow();
  });
});
