import type { WorkerStats } from '../worker/worker.js';

/** Prometheus text for one worker instance. */
export function renderMetrics(service: string, stats: WorkerStats): string {
  const label = `service="${service}"`;
  const lines = [
    '# HELP wadm_tasks_total Tasks settled by this worker, by outcome.',
    '# TYPE wadm_tasks_total counter',
    `wadm_tasks_total{${label},outcome="success"} ${stats.succeeded}`,
    `wadm_tasks_total{${label},outcome="failure"} ${stats.failed}`,
    `wadm_tasks_total{${label},outcome="retry"} ${stats.retried}`,
    `wadm_tasks_total{${label},outcome="revoked"} ${stats.revoked}`,
    '# HELP wadm_tasks_in_flight Tasks running now.',
    '# TYPE wadm_tasks_in_flight gauge',
    `wadm_tasks_in_flight{${label}} ${stats.inFlight}`,
    '# HELP wadm_tasks_buffered Tasks pulled and waiting for a slot.',
    '# TYPE wadm_tasks_buffered gauge',
    `wadm_tasks_buffered{${label}} ${stats.buffered}`,
    '# HELP wadm_worker_slots Concurrent task slots.',
    '# TYPE wadm_worker_slots gauge',
    `wadm_worker_slots{${label}} ${stats.slots}`,
    '# HELP process_resident_memory_bytes Resident memory.',
    '# TYPE process_resident_memory_bytes gauge',
    `process_resident_memory_bytes{${label}} ${process.memoryUsage.rss()}`,
  ];
  return lines.join('\n') + '\n';
}
