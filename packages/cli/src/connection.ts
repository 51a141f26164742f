import { connect, type NatsConnection } from '@nats-io/transport-node';
import { natsCredentialsFromEnv } from '@wadm/runtime';
import { FailureError } from './errors.js';

export const DEFAULT_SERVER = 'nats://127.0.0.1:4222';

/**
 * How long to wait for NATS before giving up. A CLI must answer "cannot reach" rather than
 * wait for a server that may never come; the runtime's connectNats retries forever by design.
 */
export const CONNECT_TIMEOUT_MS = 5_000;

/** `--server`, else `NATS_URL`, else the local default. */
export function resolveServer(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag ?? (env['NATS_URL'] || DEFAULT_SERVER);
}

/** The URL without a password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/g, '//$1:***@');
}

export async function openConnection(server: string): Promise<NatsConnection> {
  const servers = server
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  try {
    return await connect({
      servers,
      name: 'wadm-cli',
      // WADM_NATS_USER/WADM_NATS_PASSWORD where the server has users (the provisioning Job).
      ...natsCredentialsFromEnv(process.env),
      timeout: CONNECT_TIMEOUT_MS,
      // A blip during `watch` is survived; a server that stays away ends the command.
      maxReconnectAttempts: 5,
      reconnectTimeWait: 1_000,
    });
  } catch (err) {
    throw new FailureError(
      'NATS_UNREACHABLE',
      `cannot reach NATS at ${redactUrl(server)}: ${connectReason(err)}`,
      { cause: err },
    );
  }
}

function connectReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const name = err instanceof Error ? err.name : '';
  if (name === 'TimeoutError') return `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`;
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) return 'host not found';
  if (/refused/i.test(message)) return 'connection refused';
  if (name === 'AuthorizationError' || /authorization/i.test(message)) {
    return 'authorization failed (check the user, password or token in the URL)';
  }
  return message;
}
