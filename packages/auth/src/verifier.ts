import {
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { AuthError } from './errors.js';
import { principalFromClaims, type Principal } from './principal.js';

export interface VerifierOptions {
  /** HS256 shared secret (development). */
  secret?: string;
  /** RS256 keys from a JWKS URL (production); wins over `secret`. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /**
   * The longest lifetime a token may have: `exp − iat`, or `exp − now` when it has no `iat`.
   * @defaultValue `86400` (24 h)
   */
  maxLifetimeSeconds?: number;
  /** Clock difference tolerated on `nbf`, `iat` and `exp`. @defaultValue `5` */
  clockSkewSeconds?: number;
}

export type TokenVerifier = (token: string) => Promise<Principal>;

const DEFAULT_MAX_LIFETIME_SECONDS = 86_400;
const DEFAULT_CLOCK_SKEW_SECONDS = 5;

/**
 * Checks a bearer token's signature, `exp` (required), `nbf`, `iat`, lifetime, issuer and
 * audience; yields the principal.
 */
export function createVerifier(opts: VerifierOptions): TokenVerifier {
  const maxLifetime = opts.maxLifetimeSeconds ?? DEFAULT_MAX_LIFETIME_SECONDS;
  const skew = opts.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  if (!Number.isInteger(maxLifetime) || maxLifetime < 1) {
    throw new RangeError(`maxLifetimeSeconds must be a whole number ≥ 1, got ${maxLifetime}`);
  }
  if (!Number.isInteger(skew) || skew < 0) {
    throw new RangeError(`clockSkewSeconds must be a whole number ≥ 0, got ${skew}`);
  }
  const checks: JWTVerifyOptions = {
    requiredClaims: ['exp'],
    clockTolerance: skew,
    ...(opts.issuer ? { issuer: opts.issuer } : {}),
    ...(opts.audience ? { audience: opts.audience } : {}),
  };
  let verify: (token: string) => ReturnType<typeof jwtVerify>;
  if (opts.jwksUrl) {
    const keys: JWTVerifyGetKey = createRemoteJWKSet(new URL(opts.jwksUrl));
    verify = (token) => jwtVerify(token, keys, { ...checks, algorithms: ['RS256'] });
  } else if (opts.secret) {
    const key = new TextEncoder().encode(opts.secret);
    verify = (token) => jwtVerify(token, key, { ...checks, algorithms: ['HS256'] });
  } else {
    throw new Error('set WADM_JWKS_URL (RS256) or WADM_JWT_SECRET (HS256)');
  }
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await verify(token));
    } catch (err) {
      if (err instanceof errors.JOSEError) throw new AuthError(describe(err), { cause: err });
      throw err;
    }
    checkLifetime(payload, maxLifetime, skew);
    return principalFromClaims(payload);
  };
}

/** Runs after jose, which has already checked that `iat`, `nbf` and `exp` are numbers. */
function checkLifetime(payload: JWTPayload, maxLifetime: number, skew: number): void {
  const now = Math.floor(Date.now() / 1000);
  const { iat, exp } = payload;
  if (exp === undefined) throw new AuthError('token has no exp claim');
  // jose refuses a future `iat` only together with `maxTokenAge`, which would also make `iat`
  // required; tokens without `iat` stay acceptable.
  if (iat !== undefined && iat > now + skew) {
    throw new AuthError(
      `token issued in the future: iat is ${formatSpan(iat - now)} ahead (clock skew allowed: ${skew}s)`,
    );
  }
  const lifetime = exp - (iat ?? now);
  if (lifetime > maxLifetime) {
    throw new AuthError(
      `token lifetime ${formatSpan(lifetime)} exceeds the maximum of ${formatSpan(maxLifetime)}`,
    );
  }
}

/** `86400` → `24h`, `90061` → `25h1m1s`: hours as the largest unit, like the limit is usually set. */
function formatSpan(seconds: number): string {
  const total = Math.ceil(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}` || '0s';
}

function describe(err: errors.JOSEError): string {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'exp' && err.reason === 'missing') return 'token has no exp claim';
    if (err.claim === 'nbf' && err.reason === 'check_failed') {
      return 'token not valid yet (nbf is in the future)';
    }
    return `token claim invalid: ${err.message}`;
  }
  if (err instanceof errors.JWKSNoMatchingKey) return 'token signed by an unknown key';
  return 'invalid token';
}

/** The token of an `Authorization: Bearer <token>` header; undefined when absent or malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
