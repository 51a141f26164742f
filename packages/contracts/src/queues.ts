export const QUEUES = [
  'backtest',
  'analysis',
  'reports',
  'notify',
  'exports',
  'maintenance',
  'diagnostics',
] as const;
export type Queue = (typeof QUEUES)[number];

/** Highest first: the order a worker drains its buffers in. */
export const PRIORITIES = ['high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

/**
 * Smooth weighted round-robin shares used when several priorities have work waiting: high is
 * served most, but a busy high queue never starves normal or low.
 */
export const PRIORITY_WEIGHTS: Readonly<Record<Priority, number>> = { high: 6, normal: 3, low: 1 };

export function isQueue(value: string): value is Queue {
  return (QUEUES as readonly string[]).includes(value);
}

export function isPriority(value: string): value is Priority {
  return (PRIORITIES as readonly string[]).includes(value);
}

/** Durable pull consumer on TASKS for one queue and priority, e.g. `backtest_high`. */
export function consumerName(queue: Queue, priority: Priority): string {
  return `${queue}_${priority}`;
}
