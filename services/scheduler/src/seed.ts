import { SYSTEM_OWNER, type Schedule, type ScheduleSpec } from '@wadm/contracts';
import type { ScheduleStore } from '@wadm/runtime';

/** The seed plan's celery beat schedule, as WADM schedules owned by the system. */
export const SEED_SCHEDULES: readonly ScheduleSpec[] = [
  {
    id: 'daily-report',
    cron: '0 8 * * *',
    timezone: 'UTC',
    task: {
      type: 'reports.daily',
      params: { symbols: ['BTCUSDT', 'ETHUSDT'] },
      priority: 'normal',
    },
    enabled: true,
    overlap: 'skip',
    catchupWindowMs: 0,
  },
  {
    id: 'cleanup-old-data',
    cron: '0 2 * * *',
    timezone: 'UTC',
    task: {
      type: 'maintenance.cleanup',
      params: { olderThanDays: 30, dryRun: false },
      priority: 'low',
    },
    enabled: true,
    overlap: 'skip',
    catchupWindowMs: 0,
  },
  {
    id: 'exchange-health-check',
    every: 30_000,
    timezone: 'UTC',
    task: {
      type: 'maintenance.exchange_health',
      // Every exchange the exports service is configured with (WADM_EXCHANGES).
      params: {},
      priority: 'normal',
    },
    enabled: true,
    overlap: 'skip',
    catchupWindowMs: 0,
  },
  {
    id: 'alerts-evaluate',
    cron: '* * * * *',
    timezone: 'UTC',
    task: { type: 'alerts.evaluate', params: {}, priority: 'high' },
    enabled: true,
    // A run still going a minute later is slow; the next one would read the same candles.
    overlap: 'skip',
    catchupWindowMs: 0,
  },
];

/**
 * Creates the seed schedules on the first start only (`create`, never `put`): a schedule a user
 * edited or paused stays as they left it, and one they deleted stays deleted.
 * @returns the ids created.
 */
export async function seedSchedules(store: ScheduleStore, now = new Date()): Promise<string[]> {
  const created: string[] = [];
  for (const spec of SEED_SCHEDULES) {
    const at = now.toISOString();
    const schedule: Schedule = {
      ...structuredClone(spec),
      v: 1,
      owner: SYSTEM_OWNER,
      createdAt: at,
      updatedAt: at,
      history: [],
    };
    if (await store.wasWritten(SYSTEM_OWNER, spec.id)) continue;
    if (await store.create(schedule)) created.push(spec.id);
  }
  return created;
}
