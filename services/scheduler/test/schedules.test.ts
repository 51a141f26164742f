import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_OWNER, type EchoParams } from '@wadm/contracts';
import { pollUntil } from '@wadm/testkit';
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
  // A 1 s grace: the catch-up test needs fires that are late, not on time.
  await h.startInProcess({ WADM_SCHEDULER_GRACE_MS: '1000' });
});
afterAll(async () => {
  await h?.close();
});

const echo = (params: EchoParams) => ({
  type: 'diagnostics.echo',
  params,
  priority: 'normal' as const,
});

describe('schedules', () => {
  it('scheduler - an edit and a pause take effect within a second', async () => {
    const owner = uniqueOwner('edit');
    await h.store.create(
      makeSchedule(owner, { id: 'e', every: 1000, overlap: 'allow', task: echo({ payload: 'a' }) }),
    );
    await pollUntil(
      async () => ((await firedTasks(h.client, owner, 'e')).length > 0 ? true : undefined),
      {
        timeoutMs: 5_000,
        intervalMs: 100,
      },
    );
    const edited = (
      await editSchedule(h.store, owner, 'e', { task: echo({ payload: 'b' }) })
    ).getTime();
    await sleep(2_500);
    const paused = (await editSchedule(h.store, owner, 'e', { enabled: false })).getTime();
    await sleep(2_000);

    const fired = await firedTasks(h.client, owner, 'e');
    const payload = (f: (typeof fired)[number]) => (f.task.params as EchoParams).payload;
    expect(fired.filter((f) => f.at <= edited).every((f) => payload(f) === 'a')).toBe(true);
    expect(fired.filter((f) => f.at > edited + 1000).every((f) => payload(f) === 'b')).toBe(true);
    expect(fired.filter((f) => f.at > edited + 1000 && f.at <= paused).length).toBeGreaterThan(0);
    expect(fired.filter((f) => f.at > paused + 1000)).toEqual([]);
  });

  it('scheduler - overlap skip fires nothing while the previous task runs', async () => {
    await h.startEchoWorker();
    const owner = uniqueOwner('skip');
    await h.store.create(
      makeSchedule(owner, { id: 'slow', every: 1000, task: echo({ sleepMs: 2_500 }) }),
    );
    await sleep(7_000);
    await editSchedule(h.store, owner, 'slow', { enabled: false });
    await sleep(500);

    const history = (await h.store.get(owner, 'slow'))?.schedule.history ?? [];
    expect(history.filter((f) => f.outcome === 'skipped-overlap').length).toBeGreaterThanOrEqual(2);
    const fired = await firedTasks(h.client, owner, 'slow');
    expect(fired.length).toBeGreaterThanOrEqual(2);
    const done = await Promise.all(
      fired.map((f) => h.client.waitFor(owner, f.task.id, { timeoutMs: 10_000 })),
    );
    for (let i = 1; i < done.length; i++) {
      const prev = done[i - 1];
      const cur = done[i];
      expect(Date.parse(cur?.createdAt ?? '')).toBeGreaterThanOrEqual(
        Date.parse(prev?.finishedAt ?? ''),
      );
    }
  });

  it('scheduler - after downtime the latest fire within the window runs once, older ones are missed', async () => {
    const owner = uniqueOwner('catch');
    // Start between 3 s and 7 s past a 10 s boundary: the last fire is late, not on time.
    while (Date.now() % 10_000 < 3_000 || Date.now() % 10_000 > 7_000) await sleep(100);
    const now = Date.now();
    const latest = now - (now % 10_000);
    await h.store.create(
      makeSchedule(
        owner,
        { id: 'c', every: 10_000, catchupWindowMs: 30_000, task: echo({ payload: 'c' }) },
        new Date(now - 100_000),
      ),
    );
    const fired = await pollUntil(
      async () => {
        const f = await firedTasks(h.client, owner, 'c');
        return f.length > 0 ? f : undefined;
      },
      { timeoutMs: 3_000, intervalMs: 100 },
    );
    await sleep(500);
    expect(fired?.map((f) => f.at)).toEqual([latest]);
    expect(await firedTasks(h.client, owner, 'c')).toHaveLength(1);
    const history = (await h.store.get(owner, 'c'))?.schedule.history ?? [];
    expect(history.at(-1)).toMatchObject({
      scheduledAt: new Date(latest).toISOString(),
      outcome: 'submitted',
    });
    const missed = history.filter((f) => f.outcome === 'missed');
    expect(missed.length).toBeGreaterThanOrEqual(8);
  });

  it('scheduler - seed schedules are created on first start only, edits survive a restart', async () => {
    const first = await h.startInProcess({ WADM_SEED_SCHEDULES: '1' });
    const seeded = await h.store.list(SYSTEM_OWNER);
    expect(seeded.map((s) => s.id)).toEqual([
      'alerts-evaluate',
      'cleanup-old-data',
      'daily-report',
      'exchange-health-check',
    ]);
    expect(seeded.find((s) => s.id === 'exchange-health-check')).toMatchObject({
      every: 30_000,
      task: { type: 'maintenance.exchange_health', params: {} },
    });
    await editSchedule(h.store, SYSTEM_OWNER, 'daily-report', { enabled: false });
    await h.store.delete(SYSTEM_OWNER, 'cleanup-old-data');
    await first.stop();

    await h.startInProcess({ WADM_SEED_SCHEDULES: '1' });
    const after = await h.store.list(SYSTEM_OWNER);
    expect(after.map((s) => [s.id, s.enabled])).toEqual([
      ['alerts-evaluate', true],
      ['daily-report', false],
      ['exchange-health-check', true],
    ]);
  });
});
