import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { AuthError, principalFromClaims, type Principal } from './principal.js';

export interface VerifierOptions {
  /** HS256 shared secret (development). */
  secret?: string;
  /** RS256 keys from a JWKS URL (production); wins over `secret`. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

export type TokenVerifier = (token: string) => Promise<Principal>;

/** Checks a bearer token's signature, expiry, issuer and audience; yields the principal. */
export function createVerifier(opts: VerifierOptions): TokenVerifier {
  const claims = {
    ...(opts.issuer ? { issuer: opts.issuer } : {}),
    ...(opts.audience ? { audience: opts.audience } : {}),
  };
  let verify: (token: string) => ReturnType<typeof jwtVerify>;
  if (opts.jwksUrl) {
    const keys: JWTVerifyGetKey = createRemoteJWKSet(new URL(opts.jwksUrl));
    verify = (token) => jwtVerify(token, keys, { ...claims, algorithms: ['RS256'] });
  } else if (opts.secret) {
    const key = new TextEncoder().encode(opts.secret);
    verify = (token) => jwtVerify(token, key, { ...claims, algorithms: ['HS256'] });
  } else {
    throw new Error('set WADM_JWKS_URL (RS256) or WADM_JWT_SECRET (HS256)');
  }
  return async (token) => {
    try {
      const { payload } = await verify(token);
      return principalFromClaims(payload);
    } catch (err) {
      if (err instanceof AuthError) throw err;
      if (err instanceof errors.JOSEError) throw new AuthError(describe(err));
      throw err;
    }
  };
}

function describe(err: errors.JOSEError): string {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) return `token claim invalid: ${err.message}`;
  if (err instanceof errors.JWKSNoMatchingKey) return 'token signed by an unknown key';
  return 'invalid token';
}

/** The token of an `Authorization: Bearer <token>` header; undefined when absent or malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
