// V8 flags the worker services run with, wherever they are started (`npm start`, the pipeline
// benchmark; the deploy manifests should pass them too, e.g. in NODE_OPTIONS).
//
// Without a cap V8 sizes the old space from the machine (about 4 GB on 24 GB) and lets garbage
// pile up: a worker peaked at 184-196 MB RSS in the pipeline benchmark with a live heap near
// 20 MB. With an old-space cap V8 collects earlier: 94 MB at the same throughput (BENCHMARKS.md,
// "Worker memory"). 512 MB still leaves room for a 1M-candle backtest on the main thread; a
// semi-space of 4 MB keeps the young generation from growing to its 16 MB default per half.
export const WORKER_NODE_FLAGS = ['--max-old-space-size=512', '--max-semi-space-size=4'];
