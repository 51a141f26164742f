/**
 * Who submits a task. `user`: anyone with a token. `admin`: a token with the admin role.
 * `system`: the trusted side — the scheduler, the CLI and raw NATS publishers, which reach
 * JetStream directly, and service-account tokens with the `system` role.
 */
export const SubmitterRole = {
  USER: 'user',
  ADMIN: 'admin',
  SYSTEM: 'system',
} as const;
export type SubmitterRole = (typeof SubmitterRole)[keyof typeof SubmitterRole];

export const OPERATORS: readonly SubmitterRole[] = [SubmitterRole.ADMIN, SubmitterRole.SYSTEM];
export const EVERYONE: readonly SubmitterRole[] = [
  SubmitterRole.USER,
  SubmitterRole.ADMIN,
  SubmitterRole.SYSTEM,
];
export const SYSTEM_ONLY: readonly SubmitterRole[] = [SubmitterRole.SYSTEM];

/** What a submission knows of its caller beyond the role: the token's verified claims. */
export interface Caller {
  /** The token's `email` claim: the one address an ordinary user may notify. */
  email?: string | undefined;
}

/**
 * A use of a param that only some roles may make, e.g. `crash: true`. `used` is asked of
 * params that already passed the type's schema (defaults filled in); `caller` is empty where
 * the claims are unknown, so a rule that needs them refuses.
 */
export interface RestrictedParam<P = Record<string, unknown>> {
  /** JSON pointer of the field under the params, e.g. `/crash`. */
  path: string;
  roles: readonly SubmitterRole[];
  /** Why it is restricted, shown to a caller who is refused. */
  reason: string;
  used(params: P, caller: Caller): boolean;
}

/** Whether every address is the caller's own (addresses compare case-insensitively). */
export function onlyOwnAddresses(addresses: readonly string[], caller: Caller): boolean {
  const own = caller.email?.toLowerCase();
  return addresses.every((a) => a.toLowerCase() === own);
}

/** A refused submission: the field (a JSON pointer under `/params`, or `/type`) and why. */
export interface SubmitRefusal {
  path: string;
  message: string;
}

export function describeRoles(roles: readonly SubmitterRole[]): string {
  return roles.join(' or ');
}
