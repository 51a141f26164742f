import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startHealthServer } from './health-server.js';

const probe = { ready: () => true, metrics: () => 'wadm_up 1\n' };
let server: Server | undefined;

afterEach(async () => {
  const open = server;
  server = undefined;
  if (open) await new Promise((resolve) => open.close(resolve));
});

describe('startHealthServer', () => {
  it('startHealthServer - listens on 127.0.0.1 when no host is given', async () => {
    server = await startHealthServer({ port: 0 }, probe);
    const { address, port } = server.address() as AddressInfo;
    expect(address).toBe('127.0.0.1');
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(await res.text()).toBe('wadm_up 1\n');
  });

  it.each(['0.0.0.0', '::1'])(
    'startHealthServer - listens on the host it is given: %s',
    async (host) => {
      server = await startHealthServer({ port: 0, host }, probe);
      expect((server.address() as AddressInfo).address).toBe(host);
    },
  );
});
