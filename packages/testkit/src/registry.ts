import { rmSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

/** A running child the exit hook must kill: its pid, or its whole process group. */
export interface LiveChild {
  readonly pid: number;
  readonly group: boolean;
}

/** Something `stopAll()` stops gracefully: a server or a managed process. */
export interface Stoppable {
  stop(): Promise<void>;
}

const liveChildren = new Set<LiveChild>();
const stoppables = new Set<Stoppable>();
const tempDirs = new Set<string>();
let hooksInstalled = false;

/** Records a running child until the returned function is called (on its exit). */
export function trackChild(child: LiveChild): () => void {
  installHooks();
  liveChildren.add(child);
  return () => liveChildren.delete(child);
}

/** Records a server or process for `stopAll()` until the returned function is called. */
export function trackStoppable(stoppable: Stoppable): () => void {
  stoppables.add(stoppable);
  return () => stoppables.delete(stoppable);
}

/** Records a temp dir to remove if the test process exits without stopping its owner. */
export function trackTempDir(dir: string): () => void {
  installHooks();
  tempDirs.add(dir);
  return () => tempDirs.delete(dir);
}

/**
 * Stops every nats-server and managed process this module started and has not yet stopped,
 * in parallel. Meant for `afterAll(stopAll)` as a safety net behind each test's own `stop()`.
 *
 * @throws AggregateError listing every stop that failed; the others still ran.
 */
export async function stopAll(): Promise<void> {
  const results = await Promise.allSettled([...stoppables].map((s) => s.stop()));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length > 0) throw new AggregateError(failures, 'stopAll: some stops failed');
}

/** Synchronous because it runs in `process.on('exit')`, where nothing async gets to run. */
function killAllSync(): void {
  for (const child of liveChildren) {
    try {
      process.kill(child.group ? -child.pid : child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  liveChildren.clear();
  for (const dir of tempDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // A child killed a moment ago may still be writing; a stray temp dir is harmless.
    }
  }
  tempDirs.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  // Another listener means someone else decided what this signal does; if that ends in
  // process.exit the exit hook still runs. Alone, we are what stands between the signal's
  // default (die without an 'exit' event) and orphaned servers.
  if (process.listenerCount(signal) > 1) return;
  killAllSync();
  process.removeListener(signal, onSignal);
  process.kill(process.pid, signal);
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllSync);
  // Worker threads never receive signals; the hosting process does.
  if (isMainThread) {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  }
}
