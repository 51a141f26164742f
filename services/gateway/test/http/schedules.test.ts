import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, startHarness, token, uniqueUser, USER_TASK, type Harness } from './harness.js';

let h: Harness;
let port: number;

beforeAll(async () => {
  h = await startHarness();
  ({ port } = await h.startApp());
});
afterAll(() => h?.close());

const schedule = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  cron: '0 8 * * *',
  task: { type: USER_TASK.type, params: USER_TASK.params },
  ...extra,
});

describe('schedules API', () => {
  it('schedules - a user creates, reads, edits, pauses, resumes and deletes a schedule', async () => {
    const t = await token(uniqueUser());
    const created = await send(port, 'POST', '/api/v1/schedules', {
      token: t,
      body: schedule('nightly', { timezone: 'Europe/Madrid' }),
    });
    expect(created.status, created.text).toBe(201);
    expect(created.headers['location']).toBe('/api/v1/schedules/nightly');
    expect(created.json).toMatchObject({
      id: 'nightly',
      enabled: true,
      overlap: 'skip',
      catchupWindowMs: 0,
      timezone: 'Europe/Madrid',
      task: { priority: 'normal' },
      history: [],
    });
    expect(Date.parse(created.json.nextFireAt)).toBeGreaterThan(Date.now());

    const again = await send(port, 'POST', '/api/v1/schedules', {
      token: t,
      body: schedule('nightly'),
    });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('SCHEDULE_EXISTS');

    const list = await send(port, 'GET', '/api/v1/schedules', { token: t });
    expect(list.json.schedules.map((s: { id: string }) => s.id)).toEqual(['nightly']);

    const put = await send(port, 'PUT', '/api/v1/schedules/nightly', {
      token: t,
      body: schedule('nightly', { cron: undefined, every: 60_000, overlap: 'allow' }),
    });
    expect(put.status, put.text).toBe(200);
    expect(put.json).toMatchObject({ every: 60_000, overlap: 'allow', timezone: 'UTC' });
    expect(put.json.cron).toBeUndefined();
    expect(put.json.createdAt).toBe(created.json.createdAt);

    const paused = await send(port, 'POST', '/api/v1/schedules/nightly/pause', { token: t });
    expect(paused.json).toMatchObject({ enabled: false, nextFireAt: null });
    const resumed = await send(port, 'POST', '/api/v1/schedules/nightly/resume', { token: t });
    expect(resumed.json.enabled).toBe(true);

    expect((await send(port, 'DELETE', '/api/v1/schedules/nightly', { token: t })).status).toBe(
      204,
    );
    const gone = await send(port, 'GET', '/api/v1/schedules/nightly', { token: t });
    expect(gone.status).toBe(404);
    expect(gone.json.code).toBe('SCHEDULE_NOT_FOUND');
  });

  it('schedules - a bad cron, time zone, task type or params is refused naming the field', async () => {
    const t = await token(uniqueUser());
    const cases: [Record<string, unknown>, number, string, RegExp][] = [
      [schedule('a', { cron: '61 * * * *' }), 400, '/cron', /minute/i],
      [schedule('a', { cron: '* * *' }), 400, '/cron', /pattern/],
      [schedule('a', { every: 60_000 }), 400, '/cron', /exactly one of cron or every/],
      [schedule('a', { cron: undefined, every: 500 }), 400, '/every', />= 1000/],
      [schedule('a', { timezone: 'Mars/Olympus' }), 400, '/timezone', /Invalid time ?zone/i],
      [schedule('a b'), 400, '/id', /pattern/],
      [{ ...schedule('a'), task: { type: 'nope.nope', params: {} } }, 400, '/task/type', /known/],
      [
        {
          ...schedule('a'),
          task: { type: USER_TASK.type, params: { ...USER_TASK.params, format: 'pdf' } },
        },
        400,
        '/task/params/format',
        /./,
      ],
      [
        { ...schedule('a'), task: { type: USER_TASK.type, params: { symbol: 'BTCUSDT' } } },
        400,
        '/task/params/timeframe',
        /required/,
      ],
    ];
    for (const [body, status, path, message] of cases) {
      const r = await send(port, 'POST', '/api/v1/schedules', { token: t, body });
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      const error = r.json.errors?.find((e: { path: string }) => e.path === path);
      expect(error, `${JSON.stringify(body)} → ${r.text}`).toBeDefined();
      expect(error.message).toMatch(message);
    }
    const none = await send(port, 'GET', '/api/v1/schedules', { token: t });
    expect(none.json.schedules).toEqual([]);
  });

  it('schedules - users schedule only what they may submit; system schedules are admin-only', async () => {
    const user = uniqueUser();
    const t = await token(user);
    const admin = await token(uniqueUser('admin'), true);
    const cleanup = {
      id: 'cleanup',
      cron: '0 2 * * *',
      task: { type: 'maintenance.cleanup', params: { olderThanDays: 30 } },
    };
    const type = await send(port, 'POST', '/api/v1/schedules', { token: t, body: cleanup });
    expect(type.status).toBe(403);
    expect(type.json.errors[0].path).toBe('/task/type');
    const mail = await send(port, 'POST', '/api/v1/schedules', {
      token: t,
      body: {
        id: 'mail',
        cron: '0 8 * * *',
        task: {
          type: 'reports.daily',
          params: { symbols: ['BTCUSDT'], emailTo: ['x@example.com'] },
        },
      },
    });
    expect(mail.status).toBe(403);
    expect(mail.json.errors[0].path).toBe('/task/params/emailTo');
    const asSystem = await send(port, 'POST', '/api/v1/schedules', {
      token: t,
      body: { ...schedule('mine'), owner: 'system' },
    });
    expect(asSystem.status).toBe(403);
    expect(asSystem.json.errors[0].path).toBe('/owner');

    const id = `cleanup-${user}`;
    const byAdmin = await send(port, 'POST', '/api/v1/schedules', {
      token: admin,
      body: { ...cleanup, id, owner: 'system' },
    });
    expect(byAdmin.status, byAdmin.text).toBe(201);
    expect(byAdmin.json.owner).toBe('system');
    expect((await send(port, 'GET', `/api/v1/schedules/${id}`, { token: admin })).status).toBe(200);
    expect((await send(port, 'GET', `/api/v1/schedules/${id}`, { token: t })).status).toBe(404);
    const peek = await send(port, 'GET', `/api/v1/schedules/${id}?owner=system`, { token: t });
    expect(peek.status).toBe(403);
    const pause = await send(port, 'POST', `/api/v1/schedules/${id}/pause`, { token: t });
    expect(pause.status).toBe(404);
    expect((await send(port, 'DELETE', `/api/v1/schedules/${id}`, { token: admin })).status).toBe(
      204,
    );
  });

  it('schedules - a user may own at most WADM_SCHEDULES_PER_USER schedules', async () => {
    const small = await h.startApp({ WADM_SCHEDULES_PER_USER: '2' });
    const t = await token(uniqueUser());
    for (const id of ['one', 'two']) {
      const r = await send(small.port, 'POST', '/api/v1/schedules', {
        token: t,
        body: schedule(id),
      });
      expect(r.status).toBe(201);
    }
    const third = await send(small.port, 'POST', '/api/v1/schedules', {
      token: t,
      body: schedule('three'),
    });
    expect(third.status).toBe(429);
    expect(third.json.code).toBe('SCHEDULE_LIMIT_EXCEEDED');
  });

  it('schedules - run now submits the task once per call, owned by the schedule owner', async () => {
    const user = uniqueUser();
    const t = await token(user);
    await send(port, 'POST', '/api/v1/schedules', {
      token: t,
      body: schedule('now', { enabled: false }),
    });
    const run = await send(port, 'POST', '/api/v1/schedules/now/run', { token: t });
    expect(run.status, run.text).toBe(202);
    const task = await h.client.get(user, run.json.task_id);
    expect(task).toMatchObject({ owner: user, type: USER_TASK.type });
    expect(task?.idempotencyKey).toMatch(/^now@manual@\d{4}-/);
  });
});
