import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { bearerToken, createVerifier, signDevToken } from '../src/index.js';

const secret = 'a-development-secret-of-enough-length';

describe('HS256 (development)', () => {
  const verify = createVerifier({ secret });

  it('accepts a dev token and reads the admin role', async () => {
    expect(await verify(await signDevToken({ secret, user: 'alice' }))).toEqual({
      user: 'alice',
      admin: false,
    });
    const admin = await signDevToken({ secret, user: 'root', admin: true });
    expect(await verify(admin)).toEqual({ user: 'root', admin: true });
  });

  it('refuses a wrong secret, an expired token, garbage and a bad subject', async () => {
    await expect(verify(await signDevToken({ secret: `${secret}x`, user: 'a' }))).rejects.toThrow(
      'invalid token',
    );
    const expired = await signDevToken({ secret, user: 'a', expiresIn: '-1s' });
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
    });
    await expect(verify(await sign('https://evil.example'))).rejects.toThrow(/claim invalid/);
    await expect(verify(await signDevToken({ secret, user: 'carol' }))).rejects.toThrow();
  });
});
