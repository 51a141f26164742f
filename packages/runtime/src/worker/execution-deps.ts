import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { ArtifactStore } from '../artifacts.js';
import type { EventPublisher } from '../events.js';
import type { AnyHandler } from '../handlers.js';
import type { Logger } from '../logger.js';
import type { TaskStore } from '../task-store.js';
import type { UsageLedger } from '../usage-ledger.js';

export interface RunningTask {
  msg: JsMsg;
  controller: AbortController;
  owner: string;
  id: string;
}

export interface WorkerCounters {
  succeeded: number;
  failed: number;
  retried: number;
  revoked: number;
}

/** What executing a task needs from its worker. */
export interface ExecutionDeps {
  js: JetStreamClient;
  store: TaskStore;
  events: EventPublisher;
  artifacts: ArtifactStore;
  handlers: Readonly<Record<string, AnyHandler>>;
  workerId: string;
  logger: Logger;
  /** Results whose JSON is longer go to ARTIFACTS instead of the state. */
  inlineResultMaxBytes: number;
  /** Set when artifacts are charged to their owner's storage quota. */
  usage: { ledger: UsageLedger; quotaBytes: number } | undefined;
  progressIntervalMs: number;
  running: Map<string, RunningTask>;
  counters: WorkerCounters;
}
