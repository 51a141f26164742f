// Small measurements for bench/scheduler/run.mjs.
import { readFileSync } from 'node:fs';

const CLOCK_TICKS = 100;

/** User + system CPU seconds of one process. */
export function cpuSecondsOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** The q-quantile (0..1) of numbers sorted ascending, nearest rank; NaN when empty. */
export function percentile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
