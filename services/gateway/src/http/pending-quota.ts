import { isTerminal } from '@wadm/contracts';
import type { TaskStore } from '@wadm/runtime';

export interface PendingQuotaOptions {
  /** Non-terminal tasks one owner may have. */
  quota: number;
  /** After a re-check that found nothing finished, the next waits this long. @defaultValue 1000 */
  refreshIntervalMs?: number;
  /**
   * Task ids remembered over all owners (about 100 bytes each); past it the least recently seen
   * owners are forgotten, and counted afresh when they come back. @defaultValue 1000000
   */
  maxTrackedIds?: number;
  now?: () => number;
}

interface OwnerPending {
  /** Tasks of this owner last seen not finished. */
  ids: Set<string>;
  /** Slots granted to submissions still in flight. */
  reserved: number;
  loaded: Promise<void>;
  refreshing: Promise<void> | null;
  nextRefreshAt: number;
}

const SNAPSHOT_TIMEOUT_MS = 10_000;
const RECHECK_BATCH = 64;
const EVICTION_CHECK_EVERY = 256;

/**
 * Counts each owner's non-terminal tasks for the 429 quota without reading every task on every
 * submission. TASK_STATE offers no per-owner count, so the gateway keeps one: a snapshot of the
 * owner's tasks when it first sees the owner, plus the tasks it submits itself; when an owner
 * reaches the limit, the oldest remembered ids are re-read and the finished ones dropped. Tasks other gateway instances submit later are not seen here: with N instances an
 * owner may briefly exceed the quota, never by more than what the other instances admitted.
 */
export class PendingQuota {
  private readonly owners = new Map<string, OwnerPending>();
  private readonly refreshIntervalMs: number;
  private readonly maxTrackedIds: number;
  private settles = 0;
  private readonly now: () => number;

  constructor(
    private readonly store: TaskStore,
    private readonly opts: PendingQuotaOptions,
  ) {
    this.refreshIntervalMs = opts.refreshIntervalMs ?? 1_000;
    this.maxTrackedIds = opts.maxTrackedIds ?? 1_000_000;
    this.now = opts.now ?? Date.now;
  }

  get quota(): number {
    return this.opts.quota;
  }

  /**
   * Reserves up to `wanted` slots for `owner` and returns how many it got (0 … wanted). Every
   * reservation must be ended with {@link settle}.
   */
  async reserve(owner: string, wanted: number): Promise<number> {
    const entry = this.entry(owner);
    await entry.loaded;
    if (this.free(entry) < wanted) await this.refresh(owner, entry, wanted);
    const granted = Math.max(0, Math.min(wanted, this.free(entry)));
    entry.reserved += granted;
    return granted;
  }

  /** Ends a reservation of `reserved` slots; `created` are the ids of the tasks it produced. */
  settle(owner: string, reserved: number, created: readonly string[]): void {
    const entry = this.owners.get(owner);
    if (!entry) return;
    entry.reserved = Math.max(0, entry.reserved - reserved);
    for (const id of created) entry.ids.add(id);
    // Every owner keeps up to `quota` ids; many owners must not add up to unbounded memory.
    if (++this.settles % EVICTION_CHECK_EVERY === 0) this.evict(owner);
  }

  private evict(current: string): void {
    let total = 0;
    for (const e of this.owners.values()) total += e.ids.size;
    for (const [owner, e] of this.owners) {
      if (total <= this.maxTrackedIds) break;
      if (owner === current || e.reserved > 0) continue;
      this.owners.delete(owner);
      total -= e.ids.size;
    }
  }

  /** Non-terminal tasks this instance knows of for `owner` (for tests and operators). */
  pending(owner: string): number {
    return this.owners.get(owner)?.ids.size ?? 0;
  }

  private free(entry: OwnerPending): number {
    return this.opts.quota - entry.ids.size - entry.reserved;
  }

  private entry(owner: string): OwnerPending {
    let entry = this.owners.get(owner);
    if (entry) {
      // Map order is insertion order: re-inserting keeps the least recently seen first.
      this.owners.delete(owner);
      this.owners.set(owner, entry);
      return entry;
    }
    const ids = new Set<string>();
    entry = {
      ids,
      reserved: 0,
      loaded: this.store.unfinishedIds(owner, SNAPSHOT_TIMEOUT_MS).then((found) => {
        for (const id of found) ids.add(id);
      }),
      refreshing: null,
      nextRefreshAt: 0,
    };
    // A failed snapshot (NATS down) must not stick: the next request tries again.
    entry.loaded.catch(() => this.owners.delete(owner));
    this.owners.set(owner, entry);
    return entry;
  }

  private refresh(owner: string, entry: OwnerPending, wanted: number): Promise<void> {
    if (entry.refreshing) return entry.refreshing;
    if (this.now() < entry.nextRefreshAt) return Promise.resolve();
    entry.refreshing = this.recheck(owner, entry, wanted).finally(() => {
      entry.refreshing = null;
    });
    return entry.refreshing;
  }

  /**
   * Re-reads remembered ids, oldest first (tasks mostly finish in the order they came), and
   * forgets the finished ones until a tenth of the quota is free again. Each task is read about
   * once after it finished; one still running goes to the back of the line. Only an owner who
   * really is at the limit costs a full pass, and then waits `refreshIntervalMs` for the next.
   */
  private async recheck(owner: string, entry: OwnerPending, wanted: number): Promise<void> {
    const target = Math.max(wanted, Math.ceil(this.opts.quota / 10));
    const ids = [...entry.ids];
    let freed = 0;
    for (let i = 0; i < ids.length && this.free(entry) < target; i += RECHECK_BATCH) {
      const batch = ids.slice(i, i + RECHECK_BATCH);
      const entries = await Promise.all(batch.map((id) => this.store.get(owner, id)));
      batch.forEach((id, k) => {
        const got = entries[k];
        entry.ids.delete(id);
        if (got && !isTerminal(got.state.status)) {
          entry.ids.add(id);
        } else {
          freed++;
        }
      });
    }
    if (freed === 0) entry.nextRefreshAt = this.now() + this.refreshIntervalMs;
  }
}
