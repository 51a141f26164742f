import type { Priority, TaskState } from '@wadm/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const PER_PRIORITY = 20;

function meanPosition(order: TaskState[], priority: Priority): number {
  const positions = order.flatMap((s, i) => (s.priority === priority ? [i] : []));
  return positions.reduce((a, b) => a + b, 0) / positions.length;
}

describe('priorities', () => {
  it('drains high before normal before low, without starving low', async () => {
    // Queued while no worker runs, low first, so arrival order works against priority.
    const tasks: TaskState[] = [];
    for (const priority of ['low', 'normal', 'high'] as const) {
      for (let i = 0; i < PER_PRIORITY; i++) {
        tasks.push(await h.submitEcho({ sleepMs: 5 }, { priority }));
      }
    }
    await h.startWorker({ WADM_CONCURRENCY: '1' });
    const done = await Promise.all(tasks.map((t) => h.waitFor(t)));
    const order = done.sort(
      (a, b) => Date.parse(a.startedAt ?? '') - Date.parse(b.startedAt ?? ''),
    );

    expect(done.every((s) => s.status === 'SUCCESS')).toBe(true);
    expect(meanPosition(order, 'high')).toBeLessThan(meanPosition(order, 'normal'));
    expect(meanPosition(order, 'normal')).toBeLessThan(meanPosition(order, 'low'));
    // Weights 6:3:1 — low gets a turn while high work is still waiting.
    const firstLow = order.findIndex((s) => s.priority === 'low');
    const lastHigh = order.findLastIndex((s) => s.priority === 'high');
    expect(firstLow).toBeLessThan(lastHigh);
  });
});
