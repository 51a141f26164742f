import type { Queue, TaskParams, TaskResult, TaskType, TypesOf } from '@wadm/contracts';
import type { ArtifactStore } from './artifacts.js';
import type { Logger } from './logger.js';

/** What a handler gets for one attempt of one task. */
export interface TaskContext<P = unknown> {
  readonly id: string;
  readonly owner: string;
  readonly type: TaskType;
  readonly params: P;
  /** 1-based; counts attempts whose worker died. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** Fires on revoke, soft time limit and shutdown; `signal.reason` says which. */
  readonly signal: AbortSignal;
  /** Reports progress, 0 … 1; throttled before it reaches NATS. */
  progress(fraction: number, message?: string): void;
  readonly logger: Logger;
  readonly artifacts: ArtifactStore;
  /** `<service>.<instance>` running this attempt. */
  readonly worker: string;
}

export type TaskHandler<T extends TaskType> = (
  ctx: TaskContext<TaskParams<T>>,
) => Promise<TaskResult<T>>;

/** One handler for every type of every queue the service binds: a missing one won't compile. */
export type HandlerMap<Q extends Queue> = { [T in TypesOf<Q>]: TaskHandler<T> };

export type AnyHandler = (ctx: TaskContext) => Promise<unknown>;
