import type { Middleware } from 'koa';
import { AuthError, bearerToken, type Principal, type TokenVerifier } from '@wadm/auth';
import { HttpProblem, ProblemCode } from './problem.js';

/** What the auth middleware leaves on `ctx.state` for the API's routes. */
export interface ApiState {
  principal: Principal;
}

/**
 * Verified tokens are remembered briefly: a signature check per request costs more than the
 * rest of a submission's CPU. Never past the token's `exp`, and never long enough to miss a
 * JWKS key rotation by much.
 */
const CACHE_TTL_MS = 60_000;
const CACHE_MAX_ENTRIES = 10_000;

interface Cached {
  principal: Principal;
  until: number;
}

/** The `exp` of a token that has just been verified (so its payload is known-good JSON). */
function expiryMs(token: string): number | undefined {
  try {
    const payload: unknown = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString(),
    );
    const exp = (payload as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

export function unauthorized(detail: string, invalidToken: boolean): HttpProblem {
  const challenge = invalidToken
    ? 'Bearer realm="wadm", error="invalid_token"'
    : 'Bearer realm="wadm"';
  return new HttpProblem(401, ProblemCode.UNAUTHORIZED, detail, {
    headers: { 'WWW-Authenticate': challenge },
  });
}

/** Resolves `Authorization: Bearer <JWT>` to the caller, or answers 401. */
export function authenticate(verify: TokenVerifier, now: () => number = Date.now): Middleware {
  const cache = new Map<string, Cached>();
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    const token = bearerToken(header);
    if (!token) {
      throw unauthorized(
        header ? 'Authorization header is not "Bearer <token>"' : 'missing bearer token',
        Boolean(header),
      );
    }
    const t = now();
    let hit = cache.get(token);
    if (hit && hit.until <= t) {
      cache.delete(token);
      hit = undefined;
    }
    if (!hit) {
      let principal: Principal;
      try {
        principal = await verify(token);
      } catch (err) {
        if (err instanceof AuthError) throw unauthorized(err.message, true);
        throw err;
      }
      hit = { principal, until: Math.min(t + CACHE_TTL_MS, expiryMs(token) ?? Infinity) };
      if (cache.size >= CACHE_MAX_ENTRIES) {
        const oldest = cache.keys().next();
        if (!oldest.done) cache.delete(oldest.value);
      }
      cache.set(token, hit);
    }
    (ctx.state as ApiState).principal = hit.principal;
    await next();
  };
}

/** Admin-only routes: 403 for everyone else (the route's existence is no secret). */
export const requireAdmin: Middleware = async (ctx, next) => {
  if (!(ctx.state as ApiState).principal.admin) {
    throw new HttpProblem(403, ProblemCode.FORBIDDEN, 'this needs the admin role');
  }
  await next();
};
