import {
  AuthError,
  bearerToken,
  principalFromClaims,
  type Principal,
  type TokenVerifier,
} from '@wadm/auth';
import { isValidOwner } from '@wadm/contracts';

/**
 * Authentication of `/ws/tasks/{user_id}` happens in two steps, because uWS can close a socket it
 * upgrades after an `await` (uNetworking/uWebSockets PR #1929: `res.cork(() => res.upgrade())`
 * reads freed memory): every upgrade is answered synchronously.
 *
 * 1. {@link precheckUpgrade}, synchronous, before the upgrade: a token is there, well formed, not
 *    expired, and its claims allow the channel. Failing, the upgrade is refused with 400/401/403
 *    and a problem body; that covers missing, garbage, expired and other-user tokens.
 * 2. {@link verifyAdmission}, right after the upgrade: the signature (and issuer, audience) is
 *    checked. Until it passes the socket receives nothing; failing, it is closed with 4401.
 */

/** What the upgrade handler copies out of a uWS request (which lives only in its callback). */
export interface UpgradeCredentials {
  /** `{user_id}` of `/ws/tasks/{user_id}`; null on `/ws/tasks`, every owner's events (admins). */
  channel: string | null;
  /** The `Sec-WebSocket-Protocol` header, e.g. `bearer, <jwt>`. */
  protocols: string;
  /** The `Authorization` header, for clients that can set one. */
  authorization: string;
  /** The `token` query parameter; it ends up in access logs, so prefer the protocol header. */
  queryToken: string | undefined;
}

/** Passed the synchronous checks on the token's claims; the signature is not checked yet. */
export interface Claimed {
  ok: true;
  token: string;
  /** Whose events the socket receives; null for every owner's. */
  owner: string | null;
  /** The `sub` the token claims. */
  user: string;
  /** The subprotocol to answer with: `bearer` when the token came that way (never the token). */
  protocol: string;
}

export interface Admitted {
  ok: true;
  principal: Principal;
  /** When the token expires; the socket is closed then. */
  expiresAtMs: number | undefined;
}

export interface Refused {
  ok: false;
  status: 400 | 401 | 403;
  code: 'UNAUTHORIZED' | 'FORBIDDEN' | 'VALIDATION_FAILED';
  detail: string;
}

/** The subprotocol a browser offers to carry the token: `new WebSocket(url, ['bearer', jwt])`. */
export const BEARER_PROTOCOL = 'bearer';

/**
 * The token and the subprotocol to echo. Browsers cannot set headers on a WebSocket, so the token
 * rides in `Sec-WebSocket-Protocol` as the entry after `bearer`, or in `?token=`.
 */
export function findToken(creds: UpgradeCredentials): {
  token: string | undefined;
  protocol: string;
} {
  const offered = creds.protocols
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const at = offered.findIndex((p) => p.toLowerCase() === BEARER_PROTOCOL);
  if (at >= 0 && offered[at + 1]) return { token: offered[at + 1], protocol: BEARER_PROTOCOL };
  const header = bearerToken(creds.authorization || undefined);
  if (header) return { token: header, protocol: '' };
  return { token: creds.queryToken || undefined, protocol: '' };
}

/** Step 1: everything that can be decided without verifying the signature. */
export function precheckUpgrade(creds: UpgradeCredentials, nowMs = Date.now()): Claimed | Refused {
  const { token, protocol } = findToken(creds);
  if (!token) {
    return refuse(
      401,
      'UNAUTHORIZED',
      'missing token: offer the subprotocols ["bearer", "<jwt>"] or add ?token=<jwt>',
    );
  }
  const claims = unverifiedClaims(token);
  if (!claims) return refuse(401, 'UNAUTHORIZED', 'invalid token');
  if (typeof claims.exp === 'number' && claims.exp * 1000 <= nowMs) {
    return refuse(401, 'UNAUTHORIZED', 'token expired');
  }
  let principal: Principal;
  try {
    principal = principalFromClaims(claims);
  } catch (err) {
    if (err instanceof AuthError) return refuse(401, 'UNAUTHORIZED', err.message);
    throw err;
  }
  const { channel } = creds;
  if (channel !== null && !isValidOwner(channel)) {
    return refuse(400, 'VALIDATION_FAILED', 'user_id must be 1-64 of [A-Za-z0-9_-]');
  }
  const forbidden = authorize(principal, channel);
  if (forbidden) return forbidden;
  return { ok: true, token, owner: channel, user: principal.user, protocol };
}

/** Step 2: the token's signature and claims, as the REST API checks them. */
export async function verifyAdmission(
  claimed: Claimed,
  verify: TokenVerifier,
): Promise<Admitted | Refused> {
  let principal: Principal;
  try {
    principal = await verify(claimed.token);
  } catch (err) {
    if (err instanceof AuthError) return refuse(401, 'UNAUTHORIZED', err.message);
    throw err;
  }
  const forbidden = authorize(principal, claimed.owner);
  if (forbidden) return forbidden;
  return { ok: true, principal, expiresAtMs: expiryMs(claimed.token) };
}

/** A user's own channel; admins any channel and `/ws/tasks` (every owner). */
function authorize(principal: Principal, channel: string | null): Refused | null {
  if (principal.admin) return null;
  if (channel === null) {
    return refuse(
      403,
      'FORBIDDEN',
      `every owner's events need the admin role: use /ws/tasks/${principal.user}`,
    );
  }
  if (channel !== principal.user) {
    return refuse(403, 'FORBIDDEN', `this token is for user ${principal.user}, not ${channel}`);
  }
  return null;
}

const STATUS_LINES = { 400: '400 Bad Request', 401: '401 Unauthorized', 403: '403 Forbidden' };
const TITLES = {
  UNAUTHORIZED: 'Unauthorized',
  FORBIDDEN: 'Forbidden',
  VALIDATION_FAILED: 'Validation failed',
};

/** A refused upgrade as an `application/problem+json` response (RFC 9457), as REST answers. */
export function refusalResponse(r: Refused): {
  status: string;
  headers: Record<string, string>;
  body: string;
} {
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (r.status === 401) headers['www-authenticate'] = 'Bearer realm="wadm"';
  const body = JSON.stringify({
    type: `/docs#problem-${r.code.toLowerCase().replaceAll('_', '-')}`,
    title: TITLES[r.code],
    status: r.status,
    detail: r.detail,
    code: r.code,
  });
  return { status: STATUS_LINES[r.status], headers, body };
}

function refuse(status: Refused['status'], code: Refused['code'], detail: string): Refused {
  return { ok: false, status, code, detail };
}

/** A JWT's payload, not verified: only ever used to refuse early, never to admit. */
function unverifiedClaims(token: string): { sub?: unknown; roles?: unknown; exp?: unknown } | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString());
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload)
      ? payload
      : null;
  } catch {
    return null;
  }
}

function expiryMs(token: string): number | undefined {
  const exp = unverifiedClaims(token)?.exp;
  return typeof exp === 'number' ? exp * 1000 : undefined;
}
