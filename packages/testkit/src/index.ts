export { NatsServer, type NatsServerOptions } from './nats-server.js';
export { NatsCluster, type NatsClusterOptions } from './nats-cluster.js';
export { ManagedProcess, type ManagedProcessOptions } from './managed-process.js';
export { freePort } from './free-port.js';
export { pollUntil, type PollOptions } from './poll.js';
export { stopAll } from './registry.js';
export type { ExitStatus } from './tracked-child.js';
export {
  InvalidStateError,
  NatsServerNotFoundError,
  NatsServerStartError,
  ProcessStartError,
  TestkitErrorCode,
  WaitTimeoutError,
} from './errors.js';
