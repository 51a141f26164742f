import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createVerifier, principalFromClaims, signDevToken } from '../src/index.js';

const secret = 'a-development-secret-of-enough-length';

describe('email claim', () => {
  it('principalFromClaims - keeps a plausible email, drops a malformed or unverified one', () => {
    const base = { sub: 'alice' };
    expect(principalFromClaims({ ...base, email: 'alice@example.com' }).email).toBe(
      'alice@example.com',
    );
    expect(
      principalFromClaims({ ...base, email: 'alice@example.com', email_verified: true }).email,
    ).toBe('alice@example.com');
    for (const claims of [
      { email: 'alice@example.com', email_verified: false },
      { email: 'not an address' },
      { email: ['alice@example.com'] },
      { email: `${'a'.repeat(250)}@x.co` },
    ]) {
      expect(
        principalFromClaims({ ...base, ...claims }),
        JSON.stringify(claims),
      ).not.toHaveProperty('email');
    }
  });

  it('signDevToken - the email option reaches the principal through a verified token', async () => {
    const verify = createVerifier({ secret });
    const token = await signDevToken({ secret, user: 'bob', email: 'bob@example.com' });
    expect(await verify(token)).toEqual({
      user: 'bob',
      admin: false,
      system: false,
      email: 'bob@example.com',
    });
    const forged = await new SignJWT({ email: 'bob@example.com' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-of-enough-length-000'));
    await expect(verify(forged)).rejects.toThrow();
  });
});
