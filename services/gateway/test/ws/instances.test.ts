import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { subjects } from '@wadm/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWsHarness, TestSocket, wsUrl, type WsHarness } from './harness.js';

let h: WsHarness;

beforeAll(async () => {
  h = await startWsHarness();
  await h.startWorker();
});
afterAll(() => h?.close());

describe('ws instances', () => {
  it('bridge - two instances both deliver every event to their own clients', async () => {
    const other = await h.startBridge();
    const token = await h.token('kim');
    const [a, b] = await Promise.all(
      [h.bridge, other].map((bridge) =>
        TestSocket.open(wsUrl(bridge, '/ws/tasks/kim'), ['bearer', token]),
      ),
    );
    const { state } = await h.client.submit({
      type: 'diagnostics.echo',
      owner: 'kim',
      params: { payload: 'twice', progressSteps: 2, sleepMs: 100 },
    });
    expect(await a?.terminalOf(state.id)).toMatchObject({ status: 'SUCCESS' });
    expect(await b?.terminalOf(state.id)).toMatchObject({ status: 'SUCCESS' });
    const order = (s: TestSocket | undefined): unknown[] =>
      (s?.eventsOf(state.id) ?? []).map((e) => e.stream_seq);
    expect(order(a)).toEqual(order(b));

    await other.close();
    expect((await b?.closed)?.code).toBe(1001);
    await a?.close();
  });

  it('fanout - carries on after nats-server restarts, without gaps or duplicates', async () => {
    const socket = await TestSocket.open(wsUrl(h.bridge, '/ws/tasks/lou'), [
      'bearer',
      await h.token('lou'),
    ]);
    const publisher = await connect({
      servers: h.server.url,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 100,
    });
    const js = jetstream(publisher);
    const stored: number[] = [];
    const publish = async (i: number): Promise<void> => {
      const event = {
        task_id: 'restart',
        type: 'diagnostics.echo',
        status: i === 9 ? 'SUCCESS' : 'STARTED',
        progress: i / 9,
        result: null,
        error: null,
        seq: i,
        ts: new Date().toISOString(),
      };
      const ack = await js.publish(subjects.event('lou', 'restart'), JSON.stringify(event), {
        retries: 100,
      });
      stored.push(ack.seq);
    };
    for (let i = 0; i < 5; i++) await publish(i);
    await socket.waitFor((m) => m.stream_seq === stored.at(-1));
    await h.server.restart();
    for (let i = 5; i < 10; i++) await publish(i);
    await socket.terminalOf('restart');

    expect(socket.eventsOf('restart').map((e) => e.stream_seq)).toEqual(stored);
    expect(socket.eventsOf('restart').map((e) => e.seq)).toEqual([...Array(10).keys()]);
    await publisher.close();
    await socket.close();
  });
});
