import { jetstream } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { subjects, type TaskEvent, type TaskStatus } from '@wadm/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WsBridge } from '../../src/ws/bridge.js';
import { startWsHarness, TestSocket, wsUrl, type WsHarness } from './harness.js';

/** The smallest bound the gateway accepts: a paused client reaches it quickly. */
const MAX_BUFFER_BYTES = 1_024;
const PADDING = 'x'.repeat(200);

let h: WsHarness;
/** The workers' own connection, as in production. */
let workerNc: NatsConnection;

beforeAll(async () => {
  h = await startWsHarness({ WADM_WS_MAX_BUFFER_BYTES: String(MAX_BUFFER_BYTES) });
  workerNc = await connect({ servers: h.server.url });
});
afterAll(async () => {
  await workerNc?.close();
  await h?.close();
});

function event(taskId: string, status: TaskStatus, seq: number): TaskEvent {
  return {
    task_id: taskId,
    type: 'diagnostics.echo',
    status,
    progress: status === 'SUCCESS' ? 1 : seq / 1e6,
    result: status === 'SUCCESS' ? { done: taskId } : null,
    error: null,
    seq,
    ts: new Date().toISOString(),
    message: PADDING,
  };
}

/**
 * Plays the workers' part: progress for each task as core publishes, in rounds, until `until`
 * holds; returns the next per-task seq.
 */
async function publishProgressUntil(
  owner: string,
  tasks: string[],
  until: () => boolean,
): Promise<number> {
  let seq = 1;
  while (!until()) {
    if (seq > 200_000) throw new Error('the client never fell behind ');
    for (let i = 0; i < 200; i++, seq++) {
      for (const id of tasks) {
        workerNc.publish(subjects.event(owner, id), JSON.stringify(event(id, 'STARTED', seq)));
      }
    }
    await workerNc.flush();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return seq;
}

/** Terminal events the way workers send them (JetStream publishes); resolves once dispatched. */
async function publishTerminals(
  bridge: WsBridge,
  owner: string,
  tasks: string[],
  seq: number,
): Promise<void> {
  const js = jetstream(workerNc);
  let last = 0;
  for (const id of tasks) {
    const ack = await js.publish(
      subjects.event(owner, id),
      JSON.stringify(event(id, 'SUCCESS', seq)),
    );
    last = ack.seq;
  }
  while (bridge.stats().position < last) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('ws backpressure', () => {
  it('client buffer - a slow client gets progress conflated and every terminal event', async () => {
    const bridge = await h.startBridge({}, { slowClientTimeoutMs: 600_000 });
    const tasks = ['slow-a', 'slow-b', 'slow-c'];
    const socket = await TestSocket.open(wsUrl(bridge, '/ws/tasks/hal'), [
      'bearer',
      await h.token('hal'),
    ]);
    socket.ws.pause();
    const seq = await publishProgressUntil('hal', tasks, () => bridge.stats().conflated > 0);
    await publishTerminals(bridge, 'hal', tasks, seq);
    const published = (seq - 1) * tasks.length;
    socket.ws.resume();

    for (const id of tasks) {
      await socket.terminalOf(id);
      const events = socket.eventsOf(id);
      expect(events.at(-1)).toMatchObject({ status: 'SUCCESS', result: { done: id } });
      const order = events.map((e) => e.stream_seq as number);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    expect(socket.events.length).toBeLessThan(published + tasks.length);
    expect(bridge.stats().closedSlow).toBe(0);
    await socket.close();
  });

  it('client buffer - a client stalled at the bound is closed with 4008, then resumes', async () => {
    const bridge = await h.startBridge({}, { slowClientTimeoutMs: 200 });
    const tasks = ['stall-a'];
    const token = await h.token('ivy');
    const socket = await TestSocket.open(wsUrl(bridge, '/ws/tasks/ivy'), ['bearer', token]);
    socket.ws.pause();
    let closed: { code: number; reason: string } | undefined;
    void socket.closed.then((c) => (closed = c));
    const seq = await publishProgressUntil('ivy', tasks, () => bridge.stats().closedSlow > 0);
    socket.ws.resume();
    expect((closed ?? (await socket.closed)).code).toBe(4008);
    expect((await socket.closed).reason).toContain('slow consumer');

    const bookmark = Math.max(0, ...socket.events.map((e) => e.stream_seq as number));
    await publishTerminals(bridge, 'ivy', tasks, seq);
    const again = await TestSocket.open(wsUrl(bridge, `/ws/tasks/ivy?resume_from=${bookmark}`), [
      'bearer',
      token,
    ]);
    expect(await again.terminalOf('stall-a')).toMatchObject({ status: 'SUCCESS' });
    await again.close();
  });
});
