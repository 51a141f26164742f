// The two measurements, identical for every system: throughput (n tasks, one submitter) and
// latency (a fixed rate, open loop), with the Tracker that maps completions to submit times.
import { performance } from 'node:perf_hooks';
import { CpuMeter } from './usage.mjs';
import { log, round, sleep, withTimeout } from './util.mjs';

/** One measured batch of tasks; keys are `<phase>.<index>`. */
class Phase {
  constructor(name, count) {
    this.name = name;
    this.count = count;
    this.sent = new Float64Array(count).fill(NaN);
    this.done = new Float64Array(count).fill(NaN);
    this.doneCount = 0;
    this.firstSent = NaN;
    this.lastDone = NaN;
    this.duplicates = 0;
    this.finished = new Promise((resolve) => (this.resolve = resolve));
    if (count === 0) this.resolve();
  }
  key(i) {
    return `${this.name}.${i}`;
  }
}

/** Maps completion notifications back to submit times. */
export class Tracker {
  #phases = new Map();
  unknown = 0;
  begin(name, count) {
    if (!/^[a-z]+$/.test(name)) throw new Error(`bad phase name ${name}`);
    const phase = new Phase(name, count);
    this.#phases.set(name, phase);
    return phase;
  }
  /** Call where the submitter learns that task `key` succeeded; the time is taken here. */
  complete(key, now = performance.now()) {
    const dot = key.indexOf('.');
    const phase = this.#phases.get(key.slice(0, dot));
    const i = Number(key.slice(dot + 1));
    if (!phase || !Number.isInteger(i) || i < 0 || i >= phase.count) {
      this.unknown++;
      return;
    }
    if (!Number.isNaN(phase.done[i])) {
      phase.duplicates++;
      return;
    }
    phase.done[i] = now;
    phase.lastDone = Math.max(Number.isNaN(phase.lastDone) ? now : phase.lastDone, now);
    if (++phase.doneCount === phase.count) phase.resolve();
  }
}

function missing(phase) {
  return phase.count - phase.doneCount;
}

/**
 * Throughput: n tasks submitted back to back by one submitter, at most `window` submissions
 * outstanding at once (a submission is outstanding from the call to `submit()` until the
 * broker accepted it: JetStream PubAck, BullMQ `add()` resolved). Completed-but-unnoticed and
 * queued tasks are not limited (n bounds them). The figure is n divided by the time from the
 * first `submit()` call to the last completion notification.
 */
export async function runThroughput({ tracker, phaseName = 't', n, window, submit, timeoutMs }) {
  const phase = tracker.begin(phaseName, n);
  let outstanding = 0;
  let wake = null;
  let failure = null;
  const released = () => {
    outstanding--;
    if (wake) {
      const w = wake;
      wake = null;
      w();
    }
  };
  const deadline = performance.now() + timeoutMs;
  phase.firstSent = performance.now();
  for (let i = 0; i < n; i++) {
    while (outstanding >= window) {
      await withTimeout(new Promise((resolve) => (wake = resolve)), timeoutMs, 'submit window');
    }
    if (failure) throw failure;
    if (performance.now() > deadline)
      throw new Error(`throughput: submitting timed out at ${i}/${n}`);
    outstanding++;
    phase.sent[i] = performance.now();
    submit(phase.key(i)).then(released, (err) => {
      failure ??= err;
      released();
    });
  }
  const left = Math.max(1, deadline - performance.now());
  await withTimeout(phase.finished, left, `throughput: ${n} tasks`).catch((err) => {
    throw new Error(`${err.message}; ${missing(phase)} not completed`);
  });
  if (failure) throw failure;
  const seconds = (phase.lastDone - phase.firstSent) / 1000;
  return {
    tasks: n,
    throughput_seconds: round(seconds, 3),
    throughput_per_s: round(n / seconds, 1),
    throughput_window: window,
  };
}

/**
 * Latency: `rate` tasks/s for `seconds`, timer-paced: every `tickMs` the submitter sends every
 * task whose slot (start + i/rate) has come, without waiting for earlier ones (open loop).
 * Per task: time from just before its `submit()` call to its completion notification.
 */
export async function runLatency({
  tracker,
  phaseName = 'l',
  rate,
  seconds,
  submit,
  tickMs = 10,
  drainTimeoutMs = 60_000,
}) {
  const total = Math.max(1, Math.round(rate * seconds));
  const phase = tracker.begin(phaseName, total);
  let failure = null;
  const onError = (err) => {
    failure ??= err;
  };
  const start = performance.now();
  phase.firstSent = start;
  const sendDeadline = start + seconds * 1000 * 3 + 30_000;
  let sentCount = 0;
  let lastSent = start;
  while (sentCount < total) {
    const now = performance.now();
    if (failure) throw failure;
    if (now > sendDeadline) throw new Error(`latency: pacing fell behind (${sentCount}/${total})`);
    const due = Math.min(total, Math.floor(((now - start) * rate) / 1000) + 1);
    for (; sentCount < due; sentCount++) {
      lastSent = phase.sent[sentCount] = performance.now();
      submit(phase.key(sentCount)).catch(onError);
    }
    if (sentCount < total) await sleep(tickMs);
  }
  await withTimeout(phase.finished, drainTimeoutMs, `latency: ${total} tasks`).catch((err) => {
    throw new Error(`${err.message}; ${missing(phase)} not completed`);
  });
  if (failure) throw failure;
  const lat = Array.from(phase.done, (d, i) => d - phase.sent[i]).sort((a, b) => a - b);
  const submitSeconds = (lastSent - start) / 1000;
  return {
    latency_rate_per_s: rate,
    latency_tasks: total,
    latency_submit_rate_actual: round(submitSeconds > 0 ? (total - 1) / submitSeconds : total, 1),
    latency_p50_ms: round(percentile(lat, 50), 2),
    latency_p99_ms: round(percentile(lat, 99), 2),
    latency_mean_ms: round(lat.reduce((a, b) => a + b, 0) / lat.length, 2),
    latency_max_ms: round(lat[lat.length - 1], 2),
  };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Default time bound for a throughput phase of n tasks. */
export function throughputTimeoutMs(n) {
  return 60_000 + n * 5;
}

/**
 * The standard sequence for a system whose submitter runs in this process: `warmup` tasks
 * (not reported), then the throughput run of n tasks, a 1 s pause, then the latency run.
 */
export async function measure({
  tracker,
  submit,
  n,
  rate,
  latencySeconds,
  warmup,
  window,
  processes = {},
}) {
  if (warmup > 0) {
    log(`warm-up: ${warmup} tasks`);
    await runThroughput({
      tracker,
      phaseName: 'w',
      n: warmup,
      window,
      submit,
      timeoutMs: throughputTimeoutMs(warmup),
    });
  }
  log(`throughput: ${n} tasks, window ${window}`);
  const cpu = new CpuMeter({ submitter: process.pid, ...processes });
  const throughput = await runThroughput({
    tracker,
    n,
    window,
    submit,
    timeoutMs: throughputTimeoutMs(n),
  });
  const throughputCpu = cpu.stop();
  await sleep(1000);
  log(`latency: ${rate}/s for ${latencySeconds} s`);
  const latencyCpu = new CpuMeter({ submitter: process.pid, ...processes });
  const latency = await runLatency({ tracker, rate, seconds: latencySeconds, submit });
  return {
    ...throughput,
    throughput_cpu_cores: throughputCpu,
    throughput_cpu_ms_per_task: cpuPerTask(throughputCpu, throughput.throughput_per_s),
    ...latency,
    latency_cpu_cores: latencyCpu.stop(),
  };
}

/**
 * CPU milliseconds each process spent per task in the throughput run: unlike tasks/s, this
 * hardly moves when something else competes for the cores.
 */
function cpuPerTask(cores, perSecond) {
  const out = {};
  let total = 0;
  for (const [name, c] of Object.entries(cores)) {
    if (name === 'other' || name === 'machine') continue;
    out[name] = round((c / perSecond) * 1000, 3);
    total += c;
  }
  out.total = round((total / perSecond) * 1000, 3);
  return out;
}
