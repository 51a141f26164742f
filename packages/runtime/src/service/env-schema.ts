import { isIP } from 'node:net';

/** A bad configuration value, named so the operator can fix it. */
export class EnvError extends Error {
  override readonly name = 'EnvError';
  readonly code = 'INVALID_ENV';
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
  }
}

export type EnvSource = Readonly<Record<string, string | undefined>>;

export function intVar(
  env: EnvSource,
  name: string,
  fallback: number,
  { min = 0, max = Number.MAX_SAFE_INTEGER } = {},
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new EnvError(
      name,
      `expected a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

export function boolVar(env: EnvSource, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new EnvError(name, `expected true or false, got ${JSON.stringify(raw)}`);
}

export function stringVar(
  env: EnvSource,
  name: string,
  fallback: string,
  pattern?: RegExp,
): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (pattern && !pattern.test(raw)) {
    throw new EnvError(name, `${JSON.stringify(raw)} does not match ${pattern.source}`);
  }
  return raw;
}

/** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens. */
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** An address to listen on: IPv4, IPv6 (without brackets) or a host name. */
export function hostVar(env: EnvSource, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  // All digits and dots is a mistyped IPv4 address (10.0.0.256), not a host name.
  if (isIP(raw) === 0 && (!HOST_NAME.test(raw) || /^[\d.]+$/.test(raw))) {
    throw new EnvError(
      name,
      `expected an IPv4 or IPv6 address or a host name, got ${JSON.stringify(raw)}`,
    );
  }
  return raw;
}
