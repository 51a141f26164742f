import type { EchoResult } from '@wadm/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDevToken } from '@wadm/auth';
import {
  SECRET,
  startWsHarness,
  TestSocket,
  wsUrl,
  type Refusal,
  type WsHarness,
} from './harness.js';

let h: WsHarness;

beforeAll(async () => {
  h = await startWsHarness();
  await h.startWorker();
});
afterAll(() => h?.close());

async function open(user: string, path = `/ws/tasks/${user}`, admin = false): Promise<TestSocket> {
  return TestSocket.open(wsUrl(h.bridge, path), ['bearer', await h.token(user, admin)]);
}

async function submitEcho(owner: string, params: Record<string, unknown>): Promise<string> {
  const { state } = await h.client.submit({ type: 'diagnostics.echo', owner, params });
  return state.id;
}

async function refusalOf(url: string, protocols?: string[]): Promise<Refusal> {
  return TestSocket.open(url, protocols).then(
    () => {
      throw new Error('the upgrade was accepted');
    },
    (err: unknown) => err as Refusal,
  );
}

function increasing(values: number[]): boolean {
  return values.every((v, i) => i === 0 || v > (values[i - 1] as number));
}

describe('ws bridge', () => {
  it('bridge - streams a task’s events in order up to its result', async () => {
    const socket = await open('alice');
    expect(socket.ws.protocol).toBe('bearer');
    const id = await submitEcho('alice', { payload: { hi: 1 }, progressSteps: 4, sleepMs: 200 });
    const last = await socket.terminalOf(id);
    const events = socket.eventsOf(id);

    expect(last).toMatchObject({ status: 'SUCCESS', progress: 1, error: null });
    expect((last.result as EchoResult).payload).toEqual({ hi: 1 });
    expect(events.at(-1)).toBe(last);
    for (const key of ['task_id', 'type', 'status', 'progress', 'result', 'error', 'seq', 'ts']) {
      expect(last).toHaveProperty(key);
    }
    expect(events.map((e) => e.status)).toContain('STARTED');
    expect(increasing(events.map((e) => e.stream_seq as number))).toBe(true);
    // Per task, the bridge keeps the stream's order; the worker's progress seq grows with it.
    const started = events.filter((e) => e.status === 'STARTED');
    expect(increasing(started.map((e) => e.seq as number))).toBe(true);
    const progress = started.map((e) => e.progress as number);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    await socket.close();
  });
});

describe('ws bridge auth', () => {
  it('upgrade auth - refuses a missing token with 401', async () => {
    const r = await refusalOf(wsUrl(h.bridge, '/ws/tasks/alice'));
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
    expect(String(r.body['detail'])).toContain('missing token');
  });

  it('upgrade auth - refuses a malformed or expired token with 401', async () => {
    const r = await refusalOf(wsUrl(h.bridge, '/ws/tasks/alice?token=not-a-jwt'));
    expect(r).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
    const expired = await signDevToken({ secret: SECRET, user: 'alice', expiresIn: '-1m' });
    const old = await refusalOf(wsUrl(h.bridge, '/ws/tasks/alice'), ['bearer', expired]);
    expect(old).toMatchObject({ status: 401, body: { detail: 'token expired' } });
  });

  it('upgrade auth - closes a socket whose token signature is bad with 4401', async () => {
    const forged = await signDevToken({ secret: 'x'.repeat(40), user: 'alice' });
    const socket = await TestSocket.open(wsUrl(h.bridge, '/ws/tasks/alice'), ['bearer', forged]);
    const id = await submitEcho('alice', { payload: 'secret' });
    const closed = await socket.closed;
    expect(closed.code).toBe(4401);
    expect(closed.reason).toBe('invalid token');
    expect(socket.eventsOf(id)).toEqual([]);
    expect(socket.messages).toEqual([]);
  });

  it('upgrade auth - refuses another user’s channel with 403', async () => {
    const token = await h.token('alice');
    const r = await refusalOf(wsUrl(h.bridge, '/ws/tasks/bob'), ['bearer', token]);
    expect(r).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    expect(String(r.body['detail'])).toContain('alice');
    const all = await refusalOf(wsUrl(h.bridge, '/ws/tasks'), ['bearer', token]);
    expect(all.status).toBe(403);
  });

  it('upgrade auth - accepts the token in the query string', async () => {
    const token = await h.token('alice');
    const socket = await TestSocket.open(wsUrl(h.bridge, `/ws/tasks/alice?token=${token}`));
    expect(socket.ws.protocol).toBe('');
    await socket.close();
  });

  it('upgrade auth - lets an admin open a user’s channel and every owner’s', async () => {
    const bobs = await open('root', '/ws/tasks/bob', true);
    const everyone = await open('root', '/ws/tasks', true);
    const bobTask = await submitEcho('bob', { payload: 'b' });
    const carolTask = await submitEcho('carol', { payload: 'c' });
    expect(await bobs.terminalOf(bobTask)).toMatchObject({ status: 'SUCCESS' });
    expect(await everyone.terminalOf(bobTask)).toMatchObject({ status: 'SUCCESS' });
    expect(await everyone.terminalOf(carolTask)).toMatchObject({ status: 'SUCCESS' });
    expect(bobs.eventsOf(carolTask)).toEqual([]);
    await Promise.all([bobs.close(), everyone.close()]);
  });
});
