/** Task ids, owners and instance names become subject tokens and KV keys: keep them safe. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
export const OWNER_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

export function isValidOwner(value: unknown): value is string {
  return typeof value === 'string' && OWNER_PATTERN.test(value);
}

/** Owner of tasks submitted without one (the `nats pub` path, the scheduler). */
export const SYSTEM_OWNER = 'system';
