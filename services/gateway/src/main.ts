#!/usr/bin/env node
import { createVerifier } from '@wadm/auth';
import {
  connectNats,
  createLogger,
  EnvError,
  monitorConnection,
  provision,
  TaskClient,
} from '@wadm/runtime';
import type { GatewayDeps } from './deps.js';
import { loadEnv, type GatewayEnv } from './env.js';
import { startHttp } from './http/server.js';
import { startWsBridge } from './ws/bridge.js';

const logger = createLogger('gateway');

function readEnv(): GatewayEnv {
  try {
    return loadEnv();
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    logger.fatal(`invalid configuration: ${err.message}`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const env = readEnv();
  logger.level = env.logLevel;
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

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await Promise.all([http.close(), ws.close()]);
    await nc.drain();
    logger.info('stopped');
    process.exit(0);
  };
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => void stop());
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'gateway could not start');
  process.exit(1);
});
