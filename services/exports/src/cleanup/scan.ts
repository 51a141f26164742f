import type { JetStreamManager } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import {
  isTerminal,
  resultFile,
  STREAMS,
  type TaskState,
  type WorkerHeartbeat,
} from '@wadm/contracts';
import type { ArtifactStore } from '@wadm/runtime';
import { currentEntries } from './kv-snapshot.js';

/** A KV entry to remove, by the revision it was seen at: a changed entry is left alone. */
export interface KvVictim {
  key: string;
  revision: number;
  bytes: number;
}

export interface ArtifactVictim {
  name: string;
  bytes: number;
  /** Whose quota the file was charged to: the owner of the task that made it. */
  owner: string;
  /** When it was stored (ms): the day its bytes were charged. */
  storedAt: number;
}

/** Dead letters are removed as a prefix of TASKS_DLQ: they are stored in time order. */
export interface DeadLetterVictims {
  seqs: number[];
  bytes: number;
}

/** What a cleanup removes, found before anything is removed. */
export interface CleanupPlan {
  taskStates: KvVictim[];
  artifacts: ArtifactVictim[];
  deadLetters: DeadLetterVictims;
  workers: KvVictim[];
}

/**
 * The terminal task states that finished before `cutoff`, and the result files only they
 * refer to. A state that is not terminal is never picked, and neither is a file that a state
 * being kept refers to.
 */
export async function scanTaskStates(
  kv: KV,
  artifacts: ArtifactStore,
  cutoff: number,
): Promise<Pick<CleanupPlan, 'taskStates' | 'artifacts'>> {
  const taskStates: KvVictim[] = [];
  const files = new Map<string, { size: number; owner: string }>();
  const kept = new Set<string>();
  for await (const entry of currentEntries(kv)) {
    const { key } = entry;
    let state: TaskState;
    try {
      state = entry.json<TaskState>();
    } catch {
      continue; // Not a state this code wrote: not ours to judge.
    }
    const file = resultFile(state);
    const ended = Date.parse(state.finishedAt ?? state.updatedAt);
    if (isTerminal(state.status) && Number.isFinite(ended) && ended < cutoff) {
      taskStates.push({ key, revision: entry.revision, bytes: entry.length });
      if (file) files.set(file.name, { size: file.size, owner: state.owner });
    } else if (file) {
      kept.add(file.name);
    }
  }
  const victims: ArtifactVictim[] = [];
  for (const [name, { size, owner }] of files) {
    if (kept.has(name)) continue;
    const info = await artifacts.os.info(name);
    // Expired already (ARTIFACTS max age), or removed by an earlier run: nothing to free.
    if (info && !info.deleted) {
      victims.push({ name, bytes: info.size || size, owner, storedAt: Date.parse(info.mtime) });
    }
  }
  return { taskStates, artifacts: victims };
}

/** The dead letters stored before `cutoff`: the oldest ones, up to the first newer one. */
export async function scanDeadLetters(
  jsm: JetStreamManager,
  cutoff: number,
): Promise<DeadLetterVictims> {
  const found: DeadLetterVictims = { seqs: [], bytes: 0 };
  const { state } = await jsm.streams.info(STREAMS.dlq);
  if (state.messages === 0) return found;
  for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
    const msg = await jsm.streams.getMessage(STREAMS.dlq, { seq }).catch(() => null);
    if (!msg) continue; // deleted on its own (replayed)
    if (msg.time.getTime() >= cutoff) break;
    found.seqs.push(seq);
    found.bytes += msg.data.length;
  }
  return found;
}

/** Heartbeats older than `silentBefore`: their workers stopped without removing them. */
export async function scanWorkers(kv: KV, silentBefore: number): Promise<KvVictim[]> {
  const victims: KvVictim[] = [];
  for await (const entry of currentEntries(kv)) {
    const { key } = entry;
    let beat = Number.NaN;
    try {
      beat = Date.parse(entry.json<WorkerHeartbeat>().ts);
    } catch {
      // unreadable: judged by when it was written
    }
    const last = Number.isFinite(beat) ? beat : entry.created.getTime();
    if (last < silentBefore) victims.push({ key, revision: entry.revision, bytes: entry.length });
  }
  return victims;
}
