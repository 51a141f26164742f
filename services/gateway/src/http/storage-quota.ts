import type { UsageLedger } from '@wadm/runtime';
import { HttpProblem, ProblemCode } from './problem.js';

/** A user's usage is read again after this long: one KV read per user per period, not per task. */
const CACHE_MS = 2_000;
const CACHE_MAX_USERS = 10_000;
/** Stored data expires by the day: asking again within the hour is soon enough. */
const RETRY_AFTER_S = 3_600;

/**
 * Refuses new tasks of a user whose stored results and artifacts reached the storage quota.
 * The workers enforce the quota exactly when they store; this spares the work of tasks whose
 * results could not be kept anyway.
 */
export class StorageQuota {
  private readonly cache = new Map<string, { bytes: number; until: number }>();

  constructor(
    private readonly ledger: () => Promise<UsageLedger>,
    /** 0: no quota. */
    readonly quotaBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The 429 for `owner`, or null when they may store more. */
  async refusal(owner: string): Promise<HttpProblem | null> {
    if (this.quotaBytes === 0) return null;
    const bytes = await this.usage(owner);
    if (bytes < this.quotaBytes) return null;
    return new HttpProblem(
      429,
      ProblemCode.STORAGE_QUOTA_EXCEEDED,
      `${owner} stores ${bytes} bytes of results and artifacts; the quota is ${this.quotaBytes}`,
      { headers: { 'Retry-After': String(RETRY_AFTER_S) } },
    );
  }

  private async usage(owner: string): Promise<number> {
    const t = this.now();
    const hit = this.cache.get(owner);
    if (hit && hit.until > t) return hit.bytes;
    const bytes = await (await this.ledger()).bytes(owner);
    if (this.cache.size >= CACHE_MAX_USERS) this.cache.clear();
    this.cache.set(owner, { bytes, until: t + CACHE_MS });
    return bytes;
  }
}
