import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjects } from '@wadm/contracts';
import {
  editSchedule,
  firedTasks,
  makeSchedule,
  messagesOn,
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

/** Fire times (ms) with no missing second between the first and the last. */
function expectEverySecond(times: number[]): void {
  expect(times.length).toBeGreaterThan(0);
  const first = times[0] as number;
  const expected = Array.from(
    { length: ((times.at(-1) as number) - first) / 1000 + 1 },
    (_, i) => first + i * 1000,
  );
  expect(times).toEqual(expected);
}

describe('scheduler replicas', () => {
  it('scheduler - two replicas make exactly one task per fire time', async () => {
    const owner = uniqueOwner('ha');
    await Promise.all([h.startReplica(), h.startReplica()]);
    const task = { type: 'diagnostics.echo', params: { payload: 'ha' }, priority: 'low' as const };
    await h.store.create(makeSchedule(owner, { id: 'every', every: 1000, overlap: 'allow', task }));
    await h.store.create(
      makeSchedule(owner, { id: 'cron', cron: '* * * * * *', overlap: 'allow', task }),
    );
    await sleep(9_000);
    await editSchedule(h.store, owner, 'every', { enabled: false });
    await editSchedule(h.store, owner, 'cron', { enabled: false });
    await sleep(1_500);

    const every = await firedTasks(h.client, owner, 'every');
    const cron = await firedTasks(h.client, owner, 'cron');
    expect(every.length).toBeGreaterThanOrEqual(7);
    expect(cron.length).toBeGreaterThanOrEqual(7);
    expectEverySecond(every.map((f) => f.at));
    expectEverySecond(cron.map((f) => f.at));
    // One command per fire on the stream (no worker consumes diagnostics.low here).
    expect(await messagesOn(h.nc, subjects.task('diagnostics', 'low'))).toBe(
      every.length + cron.length,
    );
    const stored = await h.store.get(owner, 'every');
    const submitted = stored?.schedule.history.filter((f) => f.outcome === 'submitted') ?? [];
    expect(submitted.map((f) => f.taskId)).toEqual(
      every.slice(-submitted.length).map((f) => f.task.id),
    );
  });

  it('scheduler - a replica SIGKILLed mid-run loses no fire', async () => {
    const owner = uniqueOwner('kill');
    const [first] = await Promise.all([h.startReplica(), h.startReplica()]);
    const task = {
      type: 'diagnostics.echo',
      params: { payload: 'kill' },
      priority: 'high' as const,
    };
    await h.store.create(makeSchedule(owner, { id: 'tick', every: 1000, overlap: 'allow', task }));
    await sleep(3_000);
    await first?.kill();
    const killedAt = Date.now();
    await sleep(4_000);
    await editSchedule(h.store, owner, 'tick', { enabled: false });
    await sleep(1_500);

    const fired = await firedTasks(h.client, owner, 'tick');
    expectEverySecond(fired.map((f) => f.at));
    expect(fired.at(-1)?.at).toBeGreaterThan(killedAt + 2_500);
    expect(await messagesOn(h.nc, subjects.task('diagnostics', 'high'))).toBe(fired.length);
  });
});
