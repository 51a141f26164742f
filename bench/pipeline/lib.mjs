// Shared pieces of the pipeline benchmark (bench/pipeline/run.mjs).
//
// A system module (systems/<name>.mjs) exports
//   async function run({ n, rate, latencySeconds, warmup, window, concurrency,
//                        celeryConcurrency, scope }) → result (one JSON line)
// and normally uses these helpers:
//   - Scope: collects cleanups (child processes, temp dirs, connections); the orchestrator
//     closes the scope it passes in after run() returns or throws, and on SIGINT/SIGTERM.
//   - spawnChild(): one worker process, its own process group, killed on scope close.
//   - RssSampler: the worker's peak resident memory (VmHWM, summed over its process tree).
//   - Tracker + runThroughput() + runLatency(): the two measurements, identical for every
//     system; the module supplies `submit(key) → Promise` (resolves when the broker accepted
//     the task) and calls `tracker.complete(key)` where the submitter learns of completion.
//   - CpuMeter: cores used by the submitter, the worker, the server and everything else
//     during each measurement, so contention from outside the benchmark shows in the figures.
//   - startNatsServer(): a private nats-server with JetStream on a free loopback port.
export * from './lib/measure.mjs';
export * from './lib/processes.mjs';
export * from './lib/usage.mjs';
export * from './lib/util.mjs';
export * from './lib/machine.mjs';
