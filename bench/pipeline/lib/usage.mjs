// Memory and CPU of the benchmark's processes, read from /proc.
import { readFileSync, readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { log, round, sleep } from './util.mjs';

function statusKb(pid, field) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(
      new RegExp(`^${field}:\\s+(\\d+)`, 'm'),
    );
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Parent pid of every process, from /proc/<pid>/stat (field 4, after the `(comm)`). */
function parentPids() {
  const parents = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(name), ppid);
    } catch {
      // exited meanwhile
    }
  }
  return parents;
}

/**
 * pid and all its descendants. Found through parent pids: /proc/<pid>/task/<tid>/children
 * needs CONFIG_PROC_CHILDREN, which this kernel (and many VM kernels) lacks.
 */
export function processTree(rootPid) {
  const children = new Map();
  for (const [pid, ppid] of parentPids()) {
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(pid);
  }
  const out = [];
  const queue = [rootPid];
  while (queue.length > 0 && out.length < 1000) {
    const pid = queue.shift();
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/**
 * Peak RSS of a worker. The kernel keeps each process's own peak (VmHWM); `finish()` reads it
 * for every process of the tree just before the worker is stopped and sums them (for a single
 * process worker that is exactly its peak RSS; for a pre-fork pool it is an upper bound, since
 * pages shared copy-on-write are counted in each process). Every `intervalMs` the tree is also
 * listed and its summed VmRSS sampled, so processes that exit early still count and the sampled
 * peak of the sum is reported beside it.
 */
export class RssSampler {
  #pid;
  #timer;
  #hwmKb = new Map();
  #sampledPeakKb = 0;
  constructor(pid, intervalMs = 500) {
    this.#pid = pid;
    this.sample();
    this.#timer = setInterval(() => this.sample(), intervalMs);
    this.#timer.unref();
  }
  sample() {
    let sum = 0;
    for (const pid of processTree(this.#pid)) {
      const rss = statusKb(pid, 'VmRSS');
      const hwm = statusKb(pid, 'VmHWM');
      if (rss !== null) sum += rss;
      if (hwm !== null) this.#hwmKb.set(pid, Math.max(hwm, this.#hwmKb.get(pid) ?? 0));
    }
    this.#sampledPeakKb = Math.max(this.#sampledPeakKb, sum);
  }
  finish() {
    this.sample();
    clearInterval(this.#timer);
    const mb = (kb) => Math.round((kb / 1024) * 10) / 10;
    const main = this.#hwmKb.get(this.#pid) ?? 0;
    const total = [...this.#hwmKb.values()].reduce((a, b) => a + b, 0);
    return {
      worker_peak_rss_mb: mb(total),
      worker_processes: this.#hwmKb.size,
      worker_main_peak_rss_mb: mb(main),
      worker_sampled_peak_rss_mb: mb(this.#sampledPeakKb),
    };
  }
}

/**
 * CPU time (user + system) of a process tree in seconds; processes gone by now are missed.
 * This process counts alone: its tree holds the workers and servers it started.
 */
function cpuSeconds(rootPid) {
  let ticks = 0;
  for (const pid of rootPid === process.pid ? [rootPid] : processTree(rootPid)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch {
      // exited meanwhile
    }
  }
  return ticks / CLOCK_TICKS;
}
const CLOCK_TICKS = 100;

/** Busy CPU time of the whole machine in seconds (all but idle and iowait, /proc/stat). */
function machineBusySeconds() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS;
}

/**
 * Cores kept busy by each named process tree between construction and `stop()`, and by
 * everything else on the machine (`other`): where a throughput run's time went, and whether
 * something outside the benchmark competed for the cores.
 */
export class CpuMeter {
  #start = performance.now();
  #before;
  #machineBefore = machineBusySeconds();
  constructor(pids) {
    this.pids = pids;
    this.#before = Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, cpuSeconds(p)]));
  }
  stop() {
    const seconds = (performance.now() - this.#start) / 1000;
    const cores = Object.fromEntries(
      Object.entries(this.pids).map(([k, p]) => [k, (cpuSeconds(p) - this.#before[k]) / seconds]),
    );
    const machine = (machineBusySeconds() - this.#machineBefore) / seconds;
    const ours = Object.values(cores).reduce((a, b) => a + b, 0);
    const out = {};
    for (const [k, v] of Object.entries({ ...cores, other: Math.max(0, machine - ours), machine }))
      out[k] = round(v, 2);
    return out;
  }
}

/**
 * Waits (at most `maxSeconds`) until the machine has been nearly idle for a second, so one
 * system's figures are not taken while another job, or the previous system's server still
 * flushing, holds a core. Returns the busy cores seen last.
 */
export async function waitForQuiet(maxSeconds, idleBelowCores = 0.25) {
  const deadline = performance.now() + maxSeconds * 1000;
  let warned = false;
  for (;;) {
    const before = machineBusySeconds();
    await sleep(1000);
    const busy = machineBusySeconds() - before;
    if (busy < idleBelowCores) return round(busy, 2);
    if (performance.now() > deadline) {
      log(`machine still busy (${busy.toFixed(2)} cores); measuring anyway`);
      return round(busy, 2);
    }
    if (!warned) log(`machine busy (${busy.toFixed(2)} cores); waiting up to ${maxSeconds} s`);
    warned = true;
  }
}
