import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, startHarness, token, uniqueUser, USER_TASK, type Harness } from './harness.js';

let h: Harness;
let port: number;
let alice: string;
let bob: string;
let admin: string;
let aliceUser: string;

beforeAll(async () => {
  h = await startHarness();
  await h.startWorker();
  ({ port } = await h.startApp());
  aliceUser = uniqueUser('alice');
  [alice, bob, admin] = await Promise.all([
    token(aliceUser),
    token(uniqueUser('bob')),
    token(uniqueUser('root'), true),
  ]);
});
afterAll(() => h?.close());

const later = () => new Date(Date.now() + 3_600_000).toISOString();

describe('REST access', () => {
  it("cross-user - another user's task is a 404 on every route, never a leak", async () => {
    const { json } = await send(port, 'POST', '/api/v1/tasks', {
      token: alice,
      body: {
        ...USER_TASK,
        params: { ...USER_TASK.params, symbol: 'SECRET42' },
        notBefore: later(),
      },
    });
    const id = json.task_id as string;
    const attempts = [
      send(port, 'GET', `/api/v1/tasks/${id}`, { token: bob }),
      send(port, 'GET', `/api/v1/tasks/${id}/result`, { token: bob }),
      send(port, 'DELETE', `/api/v1/tasks/${id}`, { token: bob }),
      send(port, 'POST', `/api/v1/tasks/${id}/retry`, { token: bob }),
    ];
    const nobody = await send(port, 'GET', '/api/v1/tasks/no-such-task', { token: bob });
    for (const r of await Promise.all(attempts)) {
      expect(r.status).toBe(404);
      expect(r.json.code).toBe('TASK_NOT_FOUND');
      expect(r.text).not.toContain('SECRET42');
      // Indistinguishable from a task that does not exist, apart from the id itself.
      expect(r.json.title).toBe(nobody.json.title);
    }
    const list = await send(port, 'GET', '/api/v1/tasks', { token: bob });
    expect(list.json.tasks.map((t: { task_id: string }) => t.task_id)).not.toContain(id);
    const other = await send(port, 'GET', `/api/v1/tasks?owner=${aliceUser}`, { token: bob });
    expect(other.status).toBe(403);
    // Still there and still pending for its owner.
    const own = await send(port, 'GET', `/api/v1/tasks/${id}`, { token: alice });
    expect(own.json.status).toBe('PENDING');
  });

  it('admin - sees, lists and cancels the tasks of every user', async () => {
    const { json } = await send(port, 'POST', '/api/v1/tasks', {
      token: alice,
      body: { ...USER_TASK, notBefore: later() },
    });
    const seen = await send(port, 'GET', `/api/v1/tasks/${json.task_id}`, { token: admin });
    expect(seen.status).toBe(200);
    expect(seen.json.owner).toBe(aliceUser);
    const listed = await send(port, 'GET', `/api/v1/tasks?owner=${aliceUser}`, { token: admin });
    expect(listed.json.tasks.map((t: { task_id: string }) => t.task_id)).toContain(json.task_id);
    expect(listed.json.tasks.every((t: { owner: string }) => t.owner === aliceUser)).toBe(true);
    const all = await send(port, 'GET', '/api/v1/tasks?limit=1000', { token: admin });
    expect(all.json.tasks.map((t: { task_id: string }) => t.task_id)).toContain(json.task_id);
    const cancelled = await send(port, 'DELETE', `/api/v1/tasks/${json.task_id}`, { token: admin });
    expect(cancelled.status).toBe(200);
    const after = await send(port, 'GET', `/api/v1/tasks/${json.task_id}`, { token: alice });
    expect(after.json.status).toBe('REVOKED');
  });

  it("admin - a retried task belongs to the original task's owner", async () => {
    const { json } = await send(port, 'POST', '/api/v1/tasks', {
      token: alice,
      body: { ...USER_TASK, notBefore: later() },
    });
    await send(port, 'DELETE', `/api/v1/tasks/${json.task_id}`, { token: alice });
    const retried = await send(port, 'POST', `/api/v1/tasks/${json.task_id}/retry`, {
      token: admin,
    });
    expect(retried.status).toBe(202);
    const copy = await send(port, 'GET', `/api/v1/tasks/${retried.json.task_id}`, { token: alice });
    expect(copy.json).toMatchObject({ owner: aliceUser, retry_of: json.task_id });
    await send(port, 'DELETE', `/api/v1/tasks/${retried.json.task_id}`, { token: alice });
  });

  it('dlq - admins list and replay dead letters; users get 403', async () => {
    // Diagnostics are not a user's to submit: the system submits one on alice's behalf.
    const { state } = await h.client.submit({
      type: 'diagnostics.echo',
      owner: aliceUser,
      params: { failTimes: 1, nonRetryable: true },
    });
    const json = { task_id: state.id };
    await expect
      .poll(
        async () =>
          (await send(port, 'GET', `/api/v1/tasks/${json.task_id}`, { token: alice })).json.status,
        {
          timeout: 30_000,
        },
      )
      .toBe('FAILURE');
    expect((await send(port, 'GET', '/api/v1/dlq', { token: alice })).status).toBe(403);
    expect((await send(port, 'POST', '/api/v1/dlq/1/replay', { token: bob })).status).toBe(403);

    let seq = 0;
    await expect
      .poll(async () => {
        const list = await send(port, 'GET', '/api/v1/dlq?limit=1000', { token: admin });
        const letter = list.json.dead_letters.find(
          (d: { task_id: string }) => d.task_id === json.task_id,
        );
        seq = letter?.seq ?? 0;
        return letter?.owner;
      })
      .toBe(aliceUser);
    const replayed = await send(port, 'POST', `/api/v1/dlq/${seq}/replay`, { token: admin });
    expect(replayed.status, replayed.text).toBe(200);
    expect(replayed.json).toMatchObject({ task_id: json.task_id, status: 'PENDING' });
    const again = await send(port, 'POST', `/api/v1/dlq/${seq}/replay`, { token: admin });
    expect(again.status).toBe(404);
    expect(again.json.code).toBe('DEAD_LETTER_NOT_FOUND');
    const junk = await send(port, 'POST', '/api/v1/dlq/abc/replay', { token: admin });
    expect(junk.status).toBe(404);
  });
});
