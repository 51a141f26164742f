import { isValidOwner } from '@wadm/contracts';
import { AuthError } from './errors.js';

/** Who is calling: the token's `sub` (also the owner of their tasks) and the roles it carries. */
export interface Principal {
  user: string;
  /** The `admin` role: sees every user's tasks. */
  admin: boolean;
  /** The `system` role: a service account, a trusted internal submitter (e.g. a scheduler). */
  system: boolean;
}

/** The claims WADM reads: `sub` must be a valid owner, `roles` may contain `admin` and `system`. */
export function principalFromClaims(claims: { sub?: unknown; roles?: unknown }): Principal {
  if (!isValidOwner(claims.sub)) {
    throw new AuthError('token subject (sub) must be 1-64 of [A-Za-z0-9_-]');
  }
  const roles = Array.isArray(claims.roles) ? claims.roles : [];
  return { user: claims.sub, admin: roles.includes('admin'), system: roles.includes('system') };
}
