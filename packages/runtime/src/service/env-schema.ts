import { isIP } from 'node:net';
import { EnvError } from '../errors.js';

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

/** A TCP port to listen on; 0 lets the system pick a free one (tests). */
export function portVar(env: EnvSource, name: string, fallback: number): number {
  return intVar(env, name, fallback, { max: 65_535 });
}

/** MONGODB_URL when set: services that keep data in MongoDB read it, the others ignore it. */
export function mongoUrlVar(env: EnvSource): string | undefined {
  return env['MONGODB_URL']
    ? stringVar(env, 'MONGODB_URL', '', /^mongodb(\+srv)?:\/\/\S+$/)
    : undefined;
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
