import type { KV } from '@nats-io/kv';

type Watcher = Awaited<ReturnType<KV['watch']>>;

/** A KV value with the revision a compare-and-set needs. */
export interface Revisioned<T> {
  value: T;
  revision: number;
}

/**
 * How long `sync()` waits for the watch to catch up before going on with what it has: the
 * last sequence may name a message the watch never delivers (one removed by an operator).
 */
const SYNC_TIMEOUT_MS = 5_000;

/**
 * A KV bucket kept in memory by a watch, so that a run over 10,000 rules reads none of them
 * from NATS: the watch's initial snapshot fills it once, updates keep it current. `sync()`
 * waits until everything written before the call has arrived, so a run sees every rule saved
 * before it started.
 */
export class KvMirror<T> {
  readonly entries = new Map<string, Revisioned<T>>();
  private seen = 0;
  private waiters: { revision: number; resolve: () => void }[] = [];
  private failed: unknown;

  private constructor(
    private readonly kv: KV,
    private readonly watcher: Watcher,
  ) {}

  static async open<T>(kv: KV): Promise<KvMirror<T>> {
    const mirror = new KvMirror<T>(kv, await kv.watch({ key: '>' }));
    void mirror.follow();
    return mirror;
  }

  /** Resolves once every change written to the bucket before this call is in the mirror. */
  async sync(): Promise<void> {
    const last = (await this.kv.status()).streamInfo.state.last_seq;
    if (this.failed) throw this.failed;
    if (this.seen >= last) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.waiters.push({ revision: last, resolve });
      timer = setTimeout(resolve, SYNC_TIMEOUT_MS);
    });
    clearTimeout(timer);
    if (this.failed) throw this.failed;
  }

  /** The entries under `owner` (every entry without one), keyed `<owner>.<id>`. */
  select(owner?: string): Map<string, Revisioned<T>> {
    if (owner === undefined) return this.entries;
    const prefix = `${owner}.`;
    return new Map([...this.entries].filter(([key]) => key.startsWith(prefix)));
  }

  /** Records a write made here, before the watch brings it back. */
  noteWrite(key: string, value: T, revision: number): void {
    const cur = this.entries.get(key);
    if (!cur || cur.revision < revision) this.entries.set(key, { value, revision });
  }

  stop(): void {
    this.watcher.stop();
  }

  private async follow(): Promise<void> {
    try {
      for await (const e of this.watcher) {
        if (e.operation === 'PUT') {
          const cur = this.entries.get(e.key);
          if (!cur || cur.revision < e.revision) {
            this.entries.set(e.key, { value: e.json<T>(), revision: e.revision });
          }
        } else this.entries.delete(e.key);
        this.seen = Math.max(this.seen, e.revision);
        this.release();
      }
    } catch (err) {
      this.failed = err;
    }
    // The watch ended (stopped, or the connection closed): nobody waits forever.
    this.failed ??= new Error('the KV watch ended');
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  private release(): void {
    const ready = this.waiters.filter((w) => w.revision <= this.seen);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.revision > this.seen);
    for (const w of ready) w.resolve();
  }
}
