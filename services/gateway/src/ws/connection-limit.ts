/** Gives back one slot; calling it again does nothing. */
export type ReleaseSlot = () => void;

/**
 * Caps the sockets one user holds open, so a single token (or a reconnect loop in a buggy client)
 * cannot exhaust the gateway's sockets and fanout work. Admins count too: their channels cost the
 * same, and a stolen admin token is the one that most needs bounding.
 *
 * Counted per gateway instance, in memory: behind a load balancer a user may hold `max` sockets
 * on each instance. A cluster-wide count would need shared state (a KV counter) whose entries
 * outlive a crashed instance; the per-instance cap already bounds what any one process serves.
 */
export class ConnectionLimit {
  private readonly open = new Map<string, number>();

  constructor(readonly max: number) {}

  /** Takes one of the user's slots; null when all `max` are taken. */
  acquire(user: string): ReleaseSlot | null {
    const count = this.open.get(user) ?? 0;
    if (count >= this.max) return null;
    this.open.set(user, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(user) ?? 1) - 1;
      // Dropped at zero: the map holds only users with open sockets, not everyone ever seen.
      if (left > 0) this.open.set(user, left);
      else this.open.delete(user);
    };
  }

  /** Sockets the user holds on this instance. */
  count(user: string): number {
    return this.open.get(user) ?? 0;
  }

  /** Users with at least one socket on this instance. */
  get users(): number {
    return this.open.size;
  }
}
