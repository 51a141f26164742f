import {
  JetStreamApiCodes,
  JetStreamApiError,
  jetstreamManager,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { BUCKETS, STREAMS, type CleanupResult } from '@wadm/contracts';
import { UsageLedger, type ArtifactStore, type TaskHandler } from '@wadm/runtime';
import {
  scanDeadLetters,
  scanTaskStates,
  scanWorkers,
  type CleanupPlan,
  type KvVictim,
} from '../cleanup/scan.js';

const DAY_MS = 86_400_000;
/** Dry runs list at most this many of each kind. */
const LISTED_MAX = 1_000;

export interface CleanupDeps {
  nc: NatsConnection;
  /** The store itself, not charged to anyone: cleanup only removes. */
  artifacts: ArtifactStore;
  workerSilentMs: number;
  /**
   * Removals between two progress reports and signal checks; a batch of task states is purged
   * concurrently. @defaultValue 500
   */
  batchSize?: number;
  /** @defaultValue Date.now */
  now?: () => number;
}

interface Stores {
  states: KV;
  workers: KV;
  jsm: JetStreamManager;
  /** Removed files are refunded to the quota of the owner they were charged to. */
  usage: UsageLedger;
}

/**
 * `maintenance.cleanup`: terminal task states older than `olderThanDays` with the result files
 * only they refer to, dead letters older than that, and heartbeats of workers gone silent.
 * It first finds everything, then removes it in batches (a progress event and a signal check
 * each): every removal is idempotent and made against the revision that was judged, so a run
 * stopped midway is finished by the next one and never removes a state that changed since.
 * `dryRun` finds the same and removes nothing.
 */
export function createCleanupHandler(deps: CleanupDeps): TaskHandler<'maintenance.cleanup'> {
  const batchSize = deps.batchSize ?? 500;
  const now = deps.now ?? Date.now;
  let stores: Promise<Stores> | undefined;
  const open = (): Promise<Stores> =>
    (stores ??= (async () => {
      const kvm = new Kvm(deps.nc);
      return {
        states: await kvm.open(BUCKETS.taskState),
        workers: await kvm.open(BUCKETS.workers),
        jsm: await jetstreamManager(deps.nc),
        usage: await UsageLedger.open(deps.nc),
      };
    })());

  return async ({ params, signal, progress, logger }) => {
    const { states, workers, jsm, usage } = await open();
    const at = now();
    const cutoff = at - params.olderThanDays * DAY_MS;
    const plan: CleanupPlan = {
      ...(await scanTaskStates(states, deps.artifacts, cutoff)),
      deadLetters: await scanDeadLetters(jsm, cutoff),
      workers: await scanWorkers(workers, at - deps.workerSilentMs),
    };
    signal.throwIfAborted();
    const result: CleanupResult = {
      dryRun: params.dryRun,
      cutoff: new Date(cutoff).toISOString(),
      taskStates: { count: 0, bytes: 0 },
      artifacts: { count: 0, bytes: 0 },
      deadLetters: { count: 0, bytes: 0 },
      workers: { count: 0, bytes: 0 },
      bytesFreed: 0,
    };
    if (params.dryRun) {
      result.taskStates = tally(plan.taskStates);
      result.artifacts = tally(plan.artifacts);
      result.deadLetters = { count: plan.deadLetters.seqs.length, bytes: plan.deadLetters.bytes };
      result.workers = tally(plan.workers);
      result.bytesFreed = totalBytes(result);
      result.wouldRemove = {
        taskStates: plan.taskStates.slice(0, LISTED_MAX).map((v) => v.key),
        artifacts: plan.artifacts.slice(0, LISTED_MAX).map((v) => v.name),
        deadLetters: plan.deadLetters.seqs.slice(0, LISTED_MAX),
        workers: plan.workers.slice(0, LISTED_MAX).map((v) => v.key),
      };
      progress(1, 'dry run: nothing removed');
      return result;
    }

    const total =
      plan.artifacts.length +
      plan.taskStates.length +
      plan.deadLetters.seqs.length +
      plan.workers.length;
    let done = 0;
    const step = (kind: string, n: number) => {
      done += n;
      progress(total === 0 ? 1 : done / total, `${kind}: ${done} of ${total} removed`);
      signal.throwIfAborted();
    };
    // Files before their states: a run stopped in between finds the states again next time,
    // whereas a file whose state went first would be found by nothing.
    for (const batch of batches(plan.artifacts, batchSize)) {
      for (const victim of batch) {
        if (await deps.artifacts.delete(victim.name)) {
          add(result.artifacts, victim.bytes);
          // A crash in between loses this refund and never gives one twice: the ledger errs
          // towards refusing, and forgets the bytes when they would have expired anyway.
          await usage.refund(victim.owner, victim.bytes, victim.storedAt);
        }
      }
      step('artifacts', batch.length);
    }
    for (const batch of batches(plan.taskStates, batchSize)) {
      // Each purge is its own compare-and-set on its own key: a batch goes out at once.
      const purged = await Promise.all(batch.map((victim) => purgeIfUnchanged(states, victim)));
      for (const [i, victim] of batch.entries())
        if (purged[i]) add(result.taskStates, victim.bytes);
      step('task states', batch.length);
    }
    const { seqs } = plan.deadLetters;
    for (const batch of batches(seqs, batchSize)) {
      // Everything below the batch's last seq is older still: one purge removes the batch.
      const last = batch[batch.length - 1] as number;
      const { purged } = await jsm.streams.purge(STREAMS.dlq, { seq: last + 1 });
      result.deadLetters.count += purged;
      step('dead letters', batch.length);
    }
    result.deadLetters.bytes = plan.deadLetters.bytes;
    for (const batch of batches(plan.workers, batchSize)) {
      for (const victim of batch) {
        if (await purgeIfUnchanged(workers, victim)) add(result.workers, victim.bytes);
      }
      step('workers', batch.length);
    }
    result.bytesFreed = totalBytes(result);
    logger.info({ result }, 'cleanup done');
    return result;
  };
}

function* batches<T>(items: readonly T[], size: number): Generator<readonly T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Purges a KV key (its history too) unless it was written after it was judged. */
async function purgeIfUnchanged(kv: KV, victim: KvVictim): Promise<boolean> {
  try {
    await kv.purge(victim.key, { previousSeq: victim.revision });
    return true;
  } catch (err) {
    // A newer revision: someone wrote it since it was judged; it is no longer ours to remove.
    const stale =
      err instanceof JetStreamApiError &&
      (err.code === JetStreamApiCodes.StreamWrongLastSequence ||
        err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown);
    if (stale) return false;
    throw err;
  }
}

function tally(items: readonly { bytes: number }[]): { count: number; bytes: number } {
  return { count: items.length, bytes: items.reduce((sum, v) => sum + v.bytes, 0) };
}

function add(count: { count: number; bytes: number }, bytes: number): void {
  count.count += 1;
  count.bytes += bytes;
}

function totalBytes(r: CleanupResult): number {
  return r.taskStates.bytes + r.artifacts.bytes + r.deadLetters.bytes + r.workers.bytes;
}
