import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FireOutcome } from '@wadm/contracts';
import {
  editSchedule,
  firedTasks,
  makeSchedule,
  sleep,
  startHarness,
  uniqueOwner,
  type Harness,
} from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const EVERY = 4_000;
/** Waits until `phase` ms past a multiple of EVERY. */
async function untilPhase(phase: number): Promise<void> {
  while (Math.abs((Date.now() % EVERY) - phase) > 100) await sleep(25);
}

describe('scheduler downtime', () => {
  it('scheduler - down across three fires: one catch-up inside the window, the older ones missed', async () => {
    const owner = uniqueOwner('down');
    // Grace 1 s + window 6 s: the latest fire at most 7 s late runs once (a replica may take
    // seconds to start on a busy machine); the older ones are missed.
    const env = { WADM_SCHEDULER_GRACE_MS: '1000' };
    const replica = await h.startReplica(env);
    await h.store.create(
      makeSchedule(owner, {
        id: 'd',
        every: EVERY,
        catchupWindowMs: 6_000,
        overlap: 'allow',
        task: { type: 'diagnostics.echo', params: { payload: 'd' }, priority: 'low' },
      }),
    );
    await untilPhase(500);
    await replica.kill();
    const downAt = Date.now();
    // Down across three fire times; back 1.5 s after the third (late, not on time).
    await sleep(3 * EVERY + 1_000);
    const upAt = Date.now();
    await h.startReplica(env);
    await sleep(1_500);
    await editSchedule(h.store, owner, 'd', { enabled: false });

    const times = (await firedTasks(h.client, owner, 'd')).map((f) => f.at);
    const whileDown = times.filter((t) => t > downAt && t < upAt);
    const latestDown = upAt - (upAt % EVERY);
    expect(whileDown).toEqual([latestDown]);
    const history = (await h.store.get(owner, 'd'))?.schedule.history ?? [];
    const missed = history
      .filter((f) => f.outcome === FireOutcome.MISSED)
      .map((f) => Date.parse(f.scheduledAt));
    expect(missed).toEqual([latestDown - 2 * EVERY, latestDown - EVERY]);
  });

  it('scheduler - a replica answers /healthz, /readyz and /metrics on its health port', async () => {
    const running = await h.startInProcess();
    const base = `http://127.0.0.1:${running.healthPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^wadm_schedules\{service="scheduler"\} \d+$/m);
    expect(metrics).toMatch(
      /^wadm_schedule_fires_total\{service="scheduler",outcome="missed"\} \d+$/m,
    );
    await running.stop();
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });

  it('scheduler - warns at start when the TASKS duplicate window is shorter than grace + tick + skew', async () => {
    const replica = await h.startReplica({ WADM_SCHEDULER_MAX_SKEW_MS: '200000' });
    await replica.waitForOutput(/duplicate window \(120 s\) is shorter than/);
    const ok = await h.startReplica();
    await ok.waitForOutput(/duplicate window \(120 s\) covers replicas/);
  });
});
