import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWsHarness, TestSocket, wsUrl, type Received, type WsHarness } from './harness.js';

let h: WsHarness;

beforeAll(async () => {
  h = await startWsHarness();
  await h.startWorker();
});
afterAll(() => h?.close());

async function open(user: string, query = ''): Promise<TestSocket> {
  return TestSocket.open(wsUrl(h.bridge, `/ws/tasks/${user}${query}`), [
    'bearer',
    await h.token(user),
  ]);
}

async function submitEcho(owner: string, params: Record<string, unknown>): Promise<string> {
  const { state } = await h.client.submit({ type: 'diagnostics.echo', owner, params });
  return state.id;
}

/**
 * Waits for a task's terminal event and its PENDING event: the gateway publishes PENDING from its
 * own connection, so it can reach the stream after the worker's first events, even the last.
 */
async function settled(socket: TestSocket, id: string): Promise<void> {
  await socket.terminalOf(id);
  await socket.waitFor((m) => m.task_id === id && m.status === 'PENDING');
}

const seqs = (events: Received[]): number[] => events.map((e) => e.stream_seq as number);
const bookmarkOf = (socket: TestSocket): number => Math.max(0, ...seqs(socket.events));

describe('ws resume', () => {
  it('resume - a reconnecting client gets what it missed exactly once, in order, then live', async () => {
    const observer = await open('dora');
    const first = await open('dora');
    const t1 = await submitEcho('dora', { payload: 1 });
    await settled(first, t1);
    const bookmark = bookmarkOf(first);
    await first.close();

    const t2 = await submitEcho('dora', { payload: 2, progressSteps: 3, sleepMs: 150 });
    await settled(observer, t2);
    const t3 = await submitEcho('dora', { payload: 3, progressSteps: 8, sleepMs: 1_600 });
    await observer.waitFor((m) => m.task_id === t3 && m.status === 'STARTED');

    const again = await open('dora', `?resume_from=${bookmark}`);
    await settled(again, t3);
    await settled(observer, t3);

    const missed = observer.events.filter((e) => (e.stream_seq as number) > bookmark);
    expect(seqs(again.events)).toEqual(seqs(missed));
    expect(again.eventsOf(t1)).toEqual([]);
    expect(again.eventsOf(t2).at(-1)).toMatchObject({ status: 'SUCCESS' });
    const reply = again.messages.find((m) => m.control === 'resumed');
    expect(reply).toMatchObject({ resume_from: bookmark, truncated: false });
    // Everything before the reply was replayed; what follows came live.
    expect(reply?.['replayed']).toBe(again.messages.indexOf(reply as Received));
    expect(reply?.['replayed']).toBeGreaterThan(0);
    await Promise.all([observer.close(), again.close()]);
  });

  it('resume - {"resume_from"} as the first message replays before the reply', async () => {
    const observer = await open('ezra');
    const t1 = await submitEcho('ezra', { payload: 1 });
    await settled(observer, t1);
    const bookmark = bookmarkOf(observer);
    const t2 = await submitEcho('ezra', { payload: 2, progressSteps: 2, sleepMs: 100 });
    await settled(observer, t2);

    const again = await open('ezra');
    again.send({ resume_from: bookmark });
    const reply = await again.waitFor((m) => m.control === 'resumed');
    expect(reply).toMatchObject({ resume_from: bookmark });
    expect(seqs(again.events)).toEqual(seqs(observer.eventsOf(t2)));

    const everything = await open('ezra', '?resume_from=0');
    await everything.waitFor((m) => m.control === 'resumed');
    expect(seqs(everything.events)).toEqual(seqs(observer.events));
    await Promise.all([observer.close(), again.close(), everything.close()]);
  });

  it('resume - a bookmark ahead of the server replays nothing', async () => {
    const socket = await open('fay');
    socket.send({ resume_from: 1_000_000 });
    const reply = await socket.waitFor((m) => m.control === 'resumed');
    expect(reply).toMatchObject({ replayed: 0, stream_seq: 1_000_000 });
    await socket.close();
  });

  it('resume - answers messages it cannot use with an error, and resumes once', async () => {
    const socket = await open('gus');
    socket.ws.send('not json');
    socket.send({ hello: 1 });
    socket.send({ resume_from: -3 });
    socket.send({ resume_from: 0 });
    socket.send({ resume_from: 0 });
    await socket.waitFor((m) => m.code === 'RESUME_ALREADY_REQUESTED');
    const codes = socket.messages.filter((m) => m.control === 'error').map((m) => m.code);
    expect(codes).toEqual([
      'INVALID_MESSAGE',
      'INVALID_MESSAGE',
      'INVALID_RESUME',
      'RESUME_ALREADY_REQUESTED',
    ]);
    await socket.close();
  });

  it('resume - refuses a malformed ?resume_from= with 400', async () => {
    const refused = await open('gus', '?resume_from=soon').then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
  });
});
