import { signDevToken } from '@wadm/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WsBridge } from '../../src/ws/bridge.js';
import { startWsHarness, TestSocket, wsUrl, type WsHarness } from './harness.js';

let h: WsHarness;

// No worker: admission needs only the bridge, and the probe below needs no task.
beforeAll(async () => {
  h = await startWsHarness();
});
afterAll(() => h?.close());

async function open(
  bridge: WsBridge,
  user: string,
  path = `/ws/tasks/${user}`,
  admin = false,
): Promise<TestSocket> {
  return TestSocket.open(wsUrl(bridge, path), ['bearer', await h.token(user, admin)]);
}

/**
 * Opens a socket and waits until its token is verified: a resume ahead of the stream replays
 * nothing, and its reply is only sent to an admitted socket.
 */
async function admitted(bridge: WsBridge, user: string, path?: string, admin?: boolean) {
  const socket = await open(bridge, user, path, admin);
  socket.send({ resume_from: Number.MAX_SAFE_INTEGER });
  await socket.waitFor((m) => m.control === 'resumed');
  return socket;
}

/** The socket the server closes without admitting it. */
async function refused(socket: TestSocket): Promise<{ code: number; reason: string }> {
  const closed = await socket.closed;
  expect(socket.messages).toEqual([]);
  return closed;
}

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('ws connection limit', () => {
  it('connection limit - the 21st socket of a user is closed with 4429, others still connect', async () => {
    const ivys: TestSocket[] = [];
    for (let i = 0; i < 20; i++) ivys.push(await admitted(h.bridge, 'ivy'));

    const over = await open(h.bridge, 'ivy');
    expect(await refused(over)).toEqual({
      code: 4429,
      reason: 'too many connections for ivy: the limit is 20',
    });
    const jon = await admitted(h.bridge, 'jon');

    const before = h.bridge.stats().connections;
    await ivys.pop()?.close();
    // The slot is given back when the server sees the close, which the client cannot observe.
    await until(() => h.bridge.stats().connections === before - 1);
    ivys.push(await admitted(h.bridge, 'ivy'));
    expect(ivys.every((s) => s.ws.readyState === s.ws.OPEN)).toBe(true);
    await Promise.all([...ivys, jon].map((s) => s.close()));
  });

  it('connection limit - counts the token’s user on any channel, admins included', async () => {
    const bridge = await h.startBridge({ WADM_WS_MAX_CONNECTIONS_PER_USER: '2' });
    const everyone = await admitted(bridge, 'root', '/ws/tasks', true);
    const kays = await admitted(bridge, 'root', '/ws/tasks/kay', true);

    const over = await open(bridge, 'root', '/ws/tasks/lee', true);
    expect(await refused(over)).toMatchObject({ code: 4429 });
    // The channel's owner is not the one counted: kay still has all her slots.
    const own = [await admitted(bridge, 'kay'), await admitted(bridge, 'kay')];
    await Promise.all([everyone, kays, ...own].map((s) => s.close()));
    await bridge.close();
  });

  it('connection limit - counts per gateway instance', async () => {
    const [a, b] = await Promise.all([
      h.startBridge({ WADM_WS_MAX_CONNECTIONS_PER_USER: '1' }),
      h.startBridge({ WADM_WS_MAX_CONNECTIONS_PER_USER: '1' }),
    ]);
    const onA = await admitted(a, 'max');
    const onB = await admitted(b, 'max');
    expect((await refused(await open(a, 'max'))).code).toBe(4429);
    await Promise.all([onA.close(), onB.close()]);
    await Promise.all([a.close(), b.close()]);
  });

  it('connection limit - a forged token is closed as unauthorized, not counted', async () => {
    const bridge = await h.startBridge({ WADM_WS_MAX_CONNECTIONS_PER_USER: '1' });
    const ned = await admitted(bridge, 'ned');
    const token = await signDevToken({ secret: 'f'.repeat(40), user: 'ned' });
    const forged = await TestSocket.open(wsUrl(bridge, '/ws/tasks/ned'), ['bearer', token]);
    expect(await refused(forged)).toEqual({ code: 4401, reason: 'invalid token' });
    await ned.close();
    await bridge.close();
  });
});
