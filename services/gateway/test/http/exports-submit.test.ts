import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, startHarness, token, uniqueUser, type Harness } from './harness.js';

let h: Harness;
let port: number;
let user: string;
let admin: string;

beforeAll(async () => {
  h = await startHarness();
  // No exports worker: accepted tasks stay PENDING, which is all these cases need.
  ({ port } = await h.startApp());
  [user, admin] = await Promise.all([token(uniqueUser('exp')), token(uniqueUser('root'), true)]);
});
afterAll(() => h?.close());

const submit = (who: string, type: string, params: unknown) =>
  send(port, 'POST', '/api/v1/tasks', { token: who, body: { type, params } });

describe('REST exports submissions', () => {
  it('exports.backtest - schema errors are a 400 naming each field', async () => {
    const r = await submit(user, 'exports.backtest', {
      taskId: 'not an id!',
      format: 'pdf',
      part: 'candles',
    });
    expect(r.status, r.text).toBe(400);
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.json.code).toBe('VALIDATION_FAILED');
    const paths = (r.json.errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['/params/taskId', '/params/format', '/params/part']),
    );
    const missing = await submit(user, 'exports.backtest', { format: 'csv' });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.json.errors)).toContain('taskId');
  });

  it("exports.backtest - only an operator names another user's task; a user gets a 403 naming owner", async () => {
    const refused = await submit(user, 'exports.backtest', {
      taskId: 't1',
      owner: 'someone',
      format: 'csv',
    });
    expect(refused.status, refused.text).toBe(403);
    expect(refused.json.errors).toEqual([
      expect.objectContaining({
        path: '/params/owner',
        message: expect.stringContaining('leave owner out'),
      }),
    ]);
    const accepted = await submit(admin, 'exports.backtest', {
      taskId: 't1',
      owner: 'someone',
      format: 'csv',
    });
    expect(accepted.status, accepted.text).toBe(202);
    expect((await submit(user, 'exports.backtest', { taskId: 't1', format: 'xlsx' })).status).toBe(
      202,
    );
  });

  it('exports.tasks - the task list filters, checked as the list checks them', async () => {
    const r = await submit(user, 'exports.tasks', {
      format: 'csv',
      status: ['DONE'],
      since: 'yesterday',
      limit: 0,
    });
    expect(r.status, r.text).toBe(400);
    const paths = (r.json.errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['/params/status/0', '/params/since', '/params/limit']),
    );
    const everyone = await submit(user, 'exports.tasks', { format: 'csv', owner: '*' });
    expect(everyone.status).toBe(403);
    expect(everyone.json.errors).toEqual([expect.objectContaining({ path: '/params/owner' })]);
    const filtered = await submit(user, 'exports.tasks', {
      format: 'xlsx',
      status: ['SUCCESS', 'FAILURE'],
      type: 'backtest.run',
      since: '2026-01-01T00:00:00Z',
      limit: 500,
    });
    expect(filtered.status, filtered.text).toBe(202);
  });
});
