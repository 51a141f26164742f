import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from './logger.js';

export interface ConnectOptions {
  url: string;
  name: string;
}

/** Connects with endless reconnects: a worker outlives NATS restarts by design. */
export function connectNats({ url, name }: ConnectOptions): Promise<NatsConnection> {
  return connect({
    servers: url.split(','),
    name,
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
      if (s.type === 'disconnect' || s.type === 'reconnect' || s.type === 'error') {
        logger.warn({ nats: s.type }, `nats ${s.type}`);
      }
    }
  })();
  return monitor;
}
