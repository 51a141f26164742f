import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fireIdempotencyKey, SCHEDULE_BACKFILL_MAX_FIRES } from '@wadm/contracts';
import { idempotentId, ScheduleStore } from '@wadm/runtime';
import { send, startHarness, token, uniqueUser, USER_TASK, type Harness } from './harness.js';

let h: Harness;
let port: number;
let store: ScheduleStore;

beforeAll(async () => {
  h = await startHarness();
  ({ port } = await h.startApp());
  store = await ScheduleStore.open(h.nc);
});
afterAll(() => h?.close());

const MINUTE = 60_000;
const schedule = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  every: MINUTE,
  enabled: false,
  task: { type: USER_TASK.type, params: USER_TASK.params },
  ...extra,
});

describe('schedule backfill and runs', () => {
  it('backfill - fires every time of a past range once; a repeat makes no second task', async () => {
    const user = uniqueUser();
    const t = await token(user);
    expect(
      (await send(port, 'POST', '/api/v1/schedules', { token: t, body: schedule('bf') })).status,
    ).toBe(201);
    const from = Math.floor(Date.now() / MINUTE) * MINUTE - 10 * MINUTE;
    const range = {
      from: new Date(from).toISOString(),
      to: new Date(from + 5 * MINUTE).toISOString(),
    };

    const first = await send(port, 'POST', '/api/v1/schedules/bf/backfill', {
      token: t,
      body: range,
    });
    expect(first.status, first.text).toBe(202);
    const times = Array.from({ length: 6 }, (_, i) => new Date(from + i * MINUTE));
    expect(first.json.fires.map((f: { scheduledAt: string }) => f.scheduledAt)).toEqual(
      times.map((d) => d.toISOString()),
    );
    // The scheduler's own task id for each fire time: a fired time is never backfilled twice.
    expect(first.json.fires.map((f: { task_id: string }) => f.task_id)).toEqual(
      times.map((d) => idempotentId(user, fireIdempotencyKey('bf', d))),
    );
    expect(first.json).toMatchObject({ accepted: 6, rejected: 0 });
    expect(first.json.fires.every((f: { duplicate: boolean }) => !f.duplicate)).toBe(true);

    const again = await send(port, 'POST', '/api/v1/schedules/bf/backfill', {
      token: t,
      body: range,
    });
    expect(again.status).toBe(202);
    expect(again.json.fires.every((f: { duplicate: boolean }) => f.duplicate)).toBe(true);
    const tasks = await h.client.list(user, { limit: 100 });
    expect(tasks.tasks).toHaveLength(6);
  });

  it('backfill - a future end, a reversed range or too many fires is a 400 naming the field', async () => {
    const t = await token(uniqueUser());
    await send(port, 'POST', '/api/v1/schedules', {
      token: t,
      body: schedule('sec', { every: undefined, cron: '* * * * * *' }),
    });
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const cases: [unknown, string, RegExp][] = [
      [{ from: iso(now - MINUTE), to: iso(now + MINUTE) }, '/to', /future/],
      [{ from: iso(now - MINUTE), to: iso(now - 2 * MINUTE) }, '/from', /after to/],
      [
        { from: iso(now - (SCHEDULE_BACKFILL_MAX_FIRES + 10) * 1000), to: iso(now - 1000) },
        '/to',
        new RegExp(`more than ${SCHEDULE_BACKFILL_MAX_FIRES} fires`),
      ],
      [{ from: 'yesterday', to: iso(now) }, '/from', /date-time/],
      [{ from: iso(now - MINUTE) }, '/to', /required/i],
    ];
    for (const [body, path, message] of cases) {
      const r = await send(port, 'POST', '/api/v1/schedules/sec/backfill', { token: t, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      const error = r.json.errors?.find((e: { path: string }) => e.path === path);
      expect(error?.message, r.text).toMatch(message);
    }
    const missing = await send(port, 'POST', '/api/v1/schedules/nope/backfill', {
      token: t,
      body: { from: iso(now - MINUTE), to: iso(now) },
    });
    expect(missing.status).toBe(404);
  });

  it('runs - the history newest first, each with its task status now', async () => {
    const user = uniqueUser();
    const t = await token(user);
    await send(port, 'POST', '/api/v1/schedules', { token: t, body: schedule('r') });
    const at = new Date(Math.floor(Date.now() / MINUTE) * MINUTE - 3 * MINUTE);
    const fired = await send(port, 'POST', '/api/v1/schedules/r/backfill', {
      token: t,
      body: { from: at.toISOString(), to: at.toISOString() },
    });
    const taskId = fired.json.fires[0].task_id;
    await store.recordFire(user, 'r', {
      scheduledAt: at.toISOString(),
      outcome: 'submitted',
      taskId,
    });
    const later = new Date(at.getTime() + MINUTE).toISOString();
    await store.recordFire(user, 'r', { scheduledAt: later, outcome: 'skipped-overlap' });

    const runs = await send(port, 'GET', '/api/v1/schedules/r/runs', { token: t });
    expect(runs.status, runs.text).toBe(200);
    expect(runs.json.runs).toEqual([
      { scheduledAt: later, outcome: 'skipped-overlap', taskStatus: null },
      { scheduledAt: at.toISOString(), outcome: 'submitted', taskId, taskStatus: 'PENDING' },
    ]);
    const other = await token(uniqueUser());
    expect((await send(port, 'GET', '/api/v1/schedules/r/runs', { token: other })).status).toBe(
      404,
    );
  });

  it('schedules - concurrent creates never take a user past the limit', async () => {
    const small = await h.startApp({ WADM_SCHEDULES_PER_USER: '3' });
    const t = await token(uniqueUser());
    const replies = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        send(small.port, 'POST', '/api/v1/schedules', { token: t, body: schedule(`c${i}`) }),
      ),
    );
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(3).fill(201), ...Array(9).fill(429)]);
    const list = await send(small.port, 'GET', '/api/v1/schedules', { token: t });
    expect(list.json.schedules).toHaveLength(3);
    // A delete frees a place.
    const gone = list.json.schedules[0].id;
    expect(
      (await send(small.port, 'DELETE', `/api/v1/schedules/${gone}`, { token: t })).status,
    ).toBe(204);
    const next = await send(small.port, 'POST', '/api/v1/schedules', {
      token: t,
      body: schedule('late'),
    });
    expect(next.status, next.text).toBe(201);
  });
});
