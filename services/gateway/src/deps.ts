import type { NatsConnection } from '@nats-io/transport-node';
import type { TokenVerifier } from '@wadm/auth';
import type { Logger, TaskClient } from '@wadm/runtime';
import type { GatewayEnv } from './env.js';

/** What the REST server and the WebSocket bridge share; built once by main. */
export interface GatewayDeps {
  env: GatewayEnv;
  nc: NatsConnection;
  client: TaskClient;
  verify: TokenVerifier;
  logger: Logger;
  /** NATS connected and resources provisioned: `/readyz`. */
  ready(): boolean;
}

/** A listening server: its bound port (useful when configured as 0) and how to stop it. */
export interface RunningServer {
  port: number;
  close(): Promise<void>;
}
