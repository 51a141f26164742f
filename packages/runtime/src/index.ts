export { provision, taskConsumerConfig, type ProvisionOptions } from './provision.js';
export { connectNats, monitorConnection, type ConnectOptions } from './connection.js';
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
export { TaskStore, type StoredState } from './task-store.js';
export {
  ScheduleStore,
  type ScheduleChange,
  type StoredSchedule,
} from './schedules/schedule-store.js';
export { scheduleTimer, scheduleTimingErrors, type ScheduleTimer } from './schedules/timing.js';
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
  mongoUrlVar,
  type EnvSource,
} from './service/env-schema.js';
export { stopOnSignals, type StoppableService } from './service/stop-on-signals.js';
export { runMain, type MainDefinition } from './service/run-main.js';
export { serviceMain, type ServiceMainDefinition } from './service/service-main.js';
