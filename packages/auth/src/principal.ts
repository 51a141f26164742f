import { isValidOwner } from '@wadm/contracts';
import { AuthError } from './errors.js';

/** Who is calling: the token's `sub` (also the owner of their tasks) and the roles it carries. */
export interface Principal {
  user: string;
  /** The `admin` role: sees every user's tasks. */
  admin: boolean;
  /** The `system` role: a service account, a trusted internal submitter (e.g. a scheduler). */
  system: boolean;
  /**
   * The `email` claim, unless `email_verified` is false: the only address an ordinary user
   * may send notifications to.
   */
  email?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** The claims WADM reads: `sub` must be a valid owner, `roles` may contain `admin` and `system`. */
export function principalFromClaims(claims: {
  sub?: unknown;
  roles?: unknown;
  email?: unknown;
  email_verified?: unknown;
}): Principal {
  if (!isValidOwner(claims.sub)) {
    throw new AuthError('token subject (sub) must be 1-64 of [A-Za-z0-9_-]');
  }
  const roles = Array.isArray(claims.roles) ? claims.roles : [];
  const principal: Principal = {
    user: claims.sub,
    admin: roles.includes('admin'),
    system: roles.includes('system'),
  };
  const { email } = claims;
  if (
    typeof email === 'string' &&
    email.length <= 254 &&
    EMAIL.test(email) &&
    claims.email_verified !== false
  ) {
    principal.email = email;
  }
  return principal;
}
