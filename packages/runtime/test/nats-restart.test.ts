import { isTerminal, type TaskState } from '@wadm/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await h.startWorker({ WADM_CONCURRENCY: '16' });
  await h.startWorker({ WADM_CONCURRENCY: '16' });
});
afterAll(() => h?.close());

const TASKS = 300;

describe('nats-server killed and restarted under load', () => {
  it('brings every accepted task to a terminal state', async () => {
    const accepted: TaskState[] = [];
    let refused = 0;
    const submitting = (async () => {
      for (let i = 0; i < TASKS; i++) {
        try {
          accepted.push(await h.submitEcho({ sleepMs: 20, payload: i }));
        } catch {
          refused++; // Not accepted while the server was down: the caller was told.
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await new Promise((r) => setTimeout(r, 500));
    await h.server.kill();
    await new Promise((r) => setTimeout(r, 500));
    await h.server.restart();
    await submitting;
    console.info(`accepted ${accepted.length}, refused while down ${refused}`);

    // Polled rather than watched: a watcher does not survive a server restart by itself.
    const pending = new Map(accepted.map((t) => [t.id, t]));
    const final: TaskState[] = [];
    const deadline = Date.now() + 50_000;
    while (pending.size > 0 && Date.now() < deadline) {
      for (const t of [...pending.values()]) {
        const state = await h.client.get(t.owner, t.id).catch(() => null);
        if (state && isTerminal(state.status)) {
          final.push(state);
          pending.delete(t.id);
        }
      }
      if (pending.size > 0) await new Promise((r) => setTimeout(r, 250));
    }
    expect([...pending.keys()]).toEqual([]);
    expect(accepted.length + refused).toBe(TASKS);
    expect(accepted.length).toBeGreaterThan(TASKS / 2);
    expect(final.every((s) => s.status === 'SUCCESS')).toBe(true);
  });
});
