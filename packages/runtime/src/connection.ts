import { connect, type NatsConnection } from '@nats-io/transport-node';
import { EnvError } from './errors.js';
import type { Logger } from './logger.js';
import type { EnvSource } from './service/env-schema.js';

export interface NatsCredentials {
  user: string;
  pass: string;
}

export interface ConnectOptions {
  url: string;
  name: string;
  /** @defaultValue {@link natsCredentialsFromEnv} of `process.env`: none unless set */
  credentials?: NatsCredentials;
}

/**
 * WADM_NATS_USER and WADM_NATS_PASSWORD (both or neither): the service's NATS user where the
 * server has accounts (`deploy/nats`, `npm start` with WADM_NATS_AUTH=1). Apart from the URL,
 * which services log.
 */
export function natsCredentialsFromEnv(env: EnvSource): NatsCredentials | undefined {
  const user = env['WADM_NATS_USER'] || undefined;
  const pass = env['WADM_NATS_PASSWORD'] || undefined;
  if (user === undefined && pass === undefined) return undefined;
  if (user === undefined) throw new EnvError('WADM_NATS_USER', 'set it with WADM_NATS_PASSWORD');
  if (pass === undefined) throw new EnvError('WADM_NATS_PASSWORD', 'set it with WADM_NATS_USER');
  return { user, pass };
}

/** Connects with endless reconnects: a worker outlives NATS restarts by design. */
export function connectNats({
  url,
  name,
  credentials = natsCredentialsFromEnv(process.env),
}: ConnectOptions): Promise<NatsConnection> {
  return connect({
    servers: url.split(','),
    name,
    ...credentials,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: true,
    // An Error per request for async stack traces costs ~20 % of a gateway's CPU per submit.
    noAsyncTraces: true,
  });
}

export interface ConnectionMonitor {
  readonly connected: boolean;
}

/** Follows the connection's status: logs disconnects and reconnects, answers readiness. */
export function monitorConnection(nc: NatsConnection, logger: Logger): ConnectionMonitor {
  const monitor = { connected: true };
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') monitor.connected = false;
      if (s.type === 'reconnect') monitor.connected = true;
      if (s.type === 'disconnect' || s.type === 'reconnect') {
        logger.warn({ nats: s.type }, `nats ${s.type}`);
      }
      // A refusal by the server's permissions arrives only here: name what was refused.
      if (s.type === 'error') logger.warn({ nats: s.type }, `nats error: ${s.error.message}`);
    }
  })();
  return monitor;
}
