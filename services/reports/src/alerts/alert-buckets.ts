import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { BUCKETS, type AlertRule, type AlertState } from '@wadm/contracts';
import { isCasConflict } from '@wadm/runtime';
import { KvMirror, type Revisioned } from './kv-mirror.js';

/**
 * ALERTS (the rules, written by the gateway) and ALERT_STATE (each rule's last evaluation,
 * written here), mirrored in memory: a run over 10,000 rules would spend most of its time
 * reading them from NATS, one key or one snapshot at a time.
 */
export class AlertBuckets {
  private constructor(
    private readonly states: KV,
    private readonly ruleMirror: KvMirror<AlertRule>,
    private readonly stateMirror: KvMirror<AlertState>,
  ) {}

  static async open(nc: NatsConnection): Promise<AlertBuckets> {
    const kvm = new Kvm(nc);
    const [rules, states] = await Promise.all([
      kvm.open(BUCKETS.alerts),
      kvm.open(BUCKETS.alertState),
    ]);
    return new AlertBuckets(states, await KvMirror.open(rules), await KvMirror.open(states));
  }

  /** Every rule, or `owner`'s, keyed `<owner>.<id>`, with every change made before the call. */
  async loadRules(owner?: string): Promise<Map<string, Revisioned<AlertRule>>> {
    await this.ruleMirror.sync();
    return this.ruleMirror.select(owner);
  }

  async loadStates(owner?: string): Promise<Map<string, Revisioned<AlertState>>> {
    await this.stateMirror.sync();
    return this.stateMirror.select(owner);
  }

  /**
   * Writes a rule's state over the revision it was read at (0: there was none). False when
   * someone else wrote it first: a concurrent evaluation, which then owns this transition.
   */
  async writeState(key: string, state: AlertState, revision: number): Promise<number | false> {
    const body = JSON.stringify(state);
    let written: number;
    try {
      written =
        revision === 0
          ? await this.states.create(key, body)
          : await this.states.update(key, body, revision);
    } catch (err) {
      if (isCasConflict(err)) return false;
      throw err;
    }
    this.stateMirror.noteWrite(key, state, written);
    return written;
  }

  /** Removes the state of a rule that no longer exists. */
  async deleteState(key: string): Promise<void> {
    await this.states.delete(key);
  }

  close(): void {
    this.ruleMirror.stop();
    this.stateMirror.stop();
  }
}
