/** Names of every JetStream resource. Operators see these in `nats stream ls` / `nats kv ls`. */
export const STREAMS = {
  tasks: 'TASKS',
  events: 'TASK_EVENTS',
  dlq: 'TASKS_DLQ',
} as const;

export const BUCKETS = {
  taskState: 'TASK_STATE',
  schedules: 'SCHEDULES',
  workers: 'WORKERS',
  /** Result and artifact bytes per user, for the storage quota. */
  usage: 'USAGE',
  /** Notifications delivered, by task (`<owner>.<taskId>`): a redelivery never sends twice. */
  notifySent: 'NOTIFY_SENT',
} as const;

export const OBJECT_STORES = {
  artifacts: 'ARTIFACTS',
  marketData: 'MARKET_DATA',
} as const;
