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
  /** Registered webhook destinations (`<owner>.<id>`), each with its signing secret. */
  webhooks: 'WEBHOOKS',
  /** Alert rules (`<owner>.<id>`). */
  alerts: 'ALERTS',
  /** Each alert rule's last evaluation state (`<owner>.<id>`): armed or triggered, when. */
  alertState: 'ALERT_STATE',
  /** The last probe of each exchange (`maintenance.exchange_health`), keyed by exchange name. */
  exchangeHealth: 'EXCHANGE_HEALTH',
} as const;

export const OBJECT_STORES = {
  artifacts: 'ARTIFACTS',
  marketData: 'MARKET_DATA',
} as const;
