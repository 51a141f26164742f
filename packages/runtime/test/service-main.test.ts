import { fileURLToPath } from 'node:url';
import { ManagedProcess } from '@wadm/testkit';
import { describe, expect, it } from 'vitest';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

function startStoppable(mode: string, startMs = 0, readyWhen = /stoppable service ready/) {
  return ManagedProcess.start({
    command: process.execPath,
    args: [fixture('stoppable-service.mjs')],
    env: { STOP_MODE: mode, START_MS: String(startMs) },
    readyWhen,
  });
}

describe('runMain - signals', () => {
  it('runMain - SIGTERM stops the service and exits 0', async () => {
    const service = await startStoppable('resolve');
    expect((await service.stop()).code).toBe(0);
  });

  it('runMain - SIGTERM during the start stops the service once started', async () => {
    const service = await startStoppable('resolve', 1_000, /stoppable service starting/);
    expect((await service.stop()).code).toBe(0);
    expect(service.logs()).toContain('SIGTERM while starting');
    expect(service.logs()).toContain('stoppable service ready');
  });

  it('runMain - a stop that fails exits 1 and says so', async () => {
    const service = await startStoppable('reject');
    expect((await service.stop()).code).toBe(1);
    expect(service.logs()).toContain('unclean stop');
  });

  it('runMain - a stop that hangs past stopTimeoutMs exits 1 without being killed', async () => {
    const service = await startStoppable('hang');
    const status = await service.stop(10_000);
    expect(status).toEqual({ code: 1, signal: null });
    expect(service.logs()).toContain('stop timed out');
  });
});

describe('serviceMain - configuration', () => {
  it('serviceMain - a bad WADM_LOG_LEVEL stops it with code 2, naming the variable', async () => {
    const worker = await ManagedProcess.start({
      command: process.execPath,
      args: [fixture('echo-worker.mjs')],
      // Nothing listens on port 1: had it tried to connect, it would exit 1 instead.
      env: { NATS_URL: 'nats://127.0.0.1:1', WADM_LOG_LEVEL: 'loud' },
    });
    expect((await worker.exited).code).toBe(2);
    expect(worker.logs()).toMatch(/invalid configuration: WADM_LOG_LEVEL: /);
  });
});
