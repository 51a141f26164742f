import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from './errors.js';

/** Where the start command keeps the development secret it gives the gateway. */
const DEV_SECRET_FILE = fileURLToPath(new URL('../../../.wadm/dev-secret', import.meta.url));

/** The gateway's HS256 secret in development: `WADM_JWT_SECRET`, else `.wadm/dev-secret`. */
export function devSecret(command: string): string {
  const fromEnv = process.env['WADM_JWT_SECRET'];
  if (fromEnv) return fromEnv;
  try {
    return readFileSync(DEV_SECRET_FILE, 'utf8').trim();
  } catch {
    throw new UsageError(
      'no signing secret: set WADM_JWT_SECRET (the gateway uses the same) or run `npm start` once, which creates .wadm/dev-secret',
      command,
    );
  }
}
