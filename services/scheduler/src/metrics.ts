import type { EngineStats } from './engine/engine.js';

/** Prometheus text for one scheduler replica. */
export function renderSchedulerMetrics(stats: EngineStats): string {
  const label = 'service="scheduler"';
  return (
    [
      '# HELP wadm_schedules Schedules this replica has loaded (paused ones included).',
      '# TYPE wadm_schedules gauge',
      `wadm_schedules{${label}} ${stats.schedules}`,
      '# HELP wadm_schedule_fires_total Fire times this replica dealt with, by outcome.',
      '# TYPE wadm_schedule_fires_total counter',
      `wadm_schedule_fires_total{${label},outcome="submitted"} ${stats.submitted}`,
      `wadm_schedule_fires_total{${label},outcome="not-submitted"} ${stats.notSubmitted}`,
      `wadm_schedule_fires_total{${label},outcome="missed"} ${stats.missed}`,
      '# HELP process_resident_memory_bytes Resident memory.',
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes{${label}} ${process.memoryUsage.rss()}`,
    ].join('\n') + '\n'
  );
}
