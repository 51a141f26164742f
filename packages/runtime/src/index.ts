export { provision, taskConsumerConfig, type ProvisionOptions } from './provision.js';
export {
  connectNats,
  monitorConnection,
  natsCredentialsFromEnv,
  type ConnectOptions,
  type NatsCredentials,
} from './connection.js';
export {
  BUCKET_ACCESS,
  NATS_ROLES,
  natsPermissions,
  OBJECT_STORE_ACCESS,
  WORKER_QUEUES,
  type NatsRole,
  type SubjectPermissions,
  type WorkerRole,
} from './nats-permissions.js';
export { natsPasswordVar, renderNatsAuthorization } from './nats-auth-config.js';
export { createLogger, type Logger } from './logger.js';
export {
  EnvError,
  IllegalTransitionError,
  NonRetryableError,
  RevokedError,
  RuntimeErrorCode,
  ShutdownError,
  SoftTimeLimitError,
  StorageQuotaError,
  TaskRequestError,
  toErrorData,
} from './errors.js';
export type { AnyHandler, HandlerMap, TaskContext, TaskHandler } from './handlers.js';
export { ArtifactStore, digestHex, type StreamedArtifact } from './artifacts.js';
export { UsageLedger } from './usage-ledger.js';
export { isCasConflict, TaskStore, type StoredState } from './task-store.js';
export {
  ScheduleStore,
  type LimitedCreate,
  type ScheduleChange,
  type StoredSchedule,
} from './schedules/schedule-store.js';
export {
  jitterOffsetMs,
  scheduleTimer,
  scheduleTimingErrors,
  type ScheduleTimer,
} from './schedules/timing.js';
export { Worker, type WorkerOptions, type WorkerStats } from './worker/worker.js';
export { idempotentId, checkIdempotentReplay } from './client/idempotency.js';
export {
  TaskClient,
  type CancelResult,
  type SubmitRequest,
  type SubmitResult,
} from './client/task-client.js';
export { decodeCursor, type ListFilters, type TaskPage } from './client/task-list.js';
export { DeadLetterAdmin, type StoredDeadLetter } from './client/dead-letter-admin.js';
export {
  runWorkerService,
  type HandlerContext,
  type HandlerFactory,
  type RunningService,
  type ServiceResources,
  type WorkerServiceDefinition,
} from './service/run-worker-service.js';
export { loadBaseEnv, type BaseEnv, type BaseEnvDefaults } from './service/base-env.js';
export {
  DEFAULT_STORAGE_QUOTA_BYTES,
  loadWorkerEnv,
  type WorkerEnv,
} from './service/worker-env.js';
export {
  intVar,
  boolVar,
  stringVar,
  portVar,
  hostVar,
  mongoUrlVar,
  type EnvSource,
} from './service/env-schema.js';
export { stopOnSignals, type StoppableService } from './service/stop-on-signals.js';
export { startHealthServer, type HealthProbe } from './service/health-server.js';
export {
  addressesOf,
  bareHost,
  parseAllowList,
  portOf,
  refusal,
  refusedKind,
  type AllowList,
} from './net/address-policy.js';
export { runMain, type MainDefinition } from './service/run-main.js';
export { serviceMain, type ServiceMainDefinition } from './service/service-main.js';
