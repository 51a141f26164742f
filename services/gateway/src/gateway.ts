import { createVerifier } from '@wadm/auth';
import {
  connectNats,
  monitorConnection,
  provision,
  TaskClient,
  type Logger,
  type StoppableService,
} from '@wadm/runtime';
import type { GatewayDeps } from './deps.js';
import type { GatewayEnv } from './env.js';
import { CLOSE_GRACE_MS, startHttp } from './http/server.js';
import { startWsBridge } from './ws/bridge.js';

export interface RunningGateway extends StoppableService {
  httpPort: number;
  wsPort: number;
}

/**
 * What stopping may take past the grace period of running requests: closing the bridge and the
 * candle store, draining NATS.
 */
const CLOSE_ALLOWANCE_MS = 5_000;

/**
 * Starts the gateway: NATS, provisioning, the REST API and the WebSocket bridge; `stop()` closes
 * both servers, then drains NATS. Signals are the caller's (`stopOnSignals` in main).
 */
export async function startGateway(env: GatewayEnv, logger: Logger): Promise<RunningGateway> {
  const nc = await connectNats({ url: env.natsUrl, name: `gateway.${env.instance}` });
  const connection = monitorConnection(nc, logger);
  if (env.provision) await provision(nc);
  const deps: GatewayDeps = {
    env,
    nc,
    client: await TaskClient.open(nc),
    verify: createVerifier({
      secret: env.jwtSecret,
      jwksUrl: env.jwksUrl,
      issuer: env.jwtIssuer,
      audience: env.jwtAudience,
      maxLifetimeSeconds: env.jwtMaxLifetimeSeconds,
      clockSkewSeconds: env.jwtClockSkewSeconds,
    }),
    logger,
    ready: () => connection.connected,
  };
  const http = await startHttp(deps);
  const ws = await startWsBridge(deps, {
    slowClientTimeoutMs: env.wsSlowClientTimeoutMs,
    maxQueuedBytes: env.wsMaxQueuedBytes,
  });
  logger.info({ httpPort: http.port, wsPort: ws.port, nats: env.natsUrl }, 'gateway ready');

  let stopped: Promise<void> | undefined;
  return {
    httpPort: http.port,
    wsPort: ws.port,
    stopTimeoutMs: CLOSE_GRACE_MS + CLOSE_ALLOWANCE_MS,
    stop() {
      stopped ??= (async () => {
        await Promise.all([http.close(), ws.close()]);
        await nc.drain();
        logger.info('stopped');
      })();
      return stopped;
    },
  };
}
