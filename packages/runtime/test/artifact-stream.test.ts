import { createHash } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactStore, StorageQuotaError, UsageLedger } from '../src/index.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

/** `count` chunks of `size` bytes, each filled with its index. */
function chunks(count: number, size: number): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i === count) return controller.close();
      controller.enqueue(new Uint8Array(size).fill(i++ % 256));
    },
  });
}

const chunkMessages = async (): Promise<number> => {
  const jsm = await jetstreamManager(h.nc);
  return (await jsm.streams.info('OBJ_ARTIFACTS')).state.messages;
};

describe('artifact store - streamed writes', () => {
  it('putStream - stores what flows, charges it in blocks, reports size and SHA-256', async () => {
    const ledger = await UsageLedger.open(h.nc);
    const owner = `stream${process.pid}a`;
    const charges: number[] = [];
    const store = (await ArtifactStore.open(h.nc)).chargedTo(async (bytes) => {
      charges.push(bytes);
      await ledger.charge(owner, bytes, 10_000_000);
    });
    const { ref, sha256 } = await store.putStream(
      `t/${owner}.bin`,
      chunks(40, 50_000),
      'x/y',
      'f.bin',
    );
    expect(ref).toEqual({
      store: 'ARTIFACTS',
      name: `t/${owner}.bin`,
      size: 2_000_000,
      contentType: 'x/y',
      fileName: 'f.bin',
    });
    const bytes = await store.get(ref.name);
    expect(sha256).toBe(createHash('sha256').update(bytes!).digest('hex'));
    expect(charges.reduce((a, b) => a + b, 0)).toBe(2_000_000);
    expect(charges.length).toBeGreaterThan(1);
    expect(charges.length).toBeLessThan(20);
    expect(await ledger.bytes(owner)).toBe(2_000_000);
  });

  it('putStream - a quota refusal midway fails the write and leaves no object or chunk', async () => {
    const ledger = await UsageLedger.open(h.nc);
    const owner = `stream${process.pid}b`;
    const before = await chunkMessages();
    const store = (await ArtifactStore.open(h.nc)).chargedTo((bytes) =>
      ledger.charge(owner, bytes, 1_000_000),
    );
    const put = store.putStream(`t/${owner}.bin`, chunks(40, 50_000), 'x/y');
    await expect(put).rejects.toBeInstanceOf(StorageQuotaError);
    expect(await store.os.info(`t/${owner}.bin`)).toBeNull();
    expect(await chunkMessages()).toBe(before);
    expect(await ledger.bytes(owner)).toBeLessThanOrEqual(1_000_000);
  });

  it('putStream - a source that fails midway leaves nothing; delete says whether it removed', async () => {
    const store = await ArtifactStore.open(h.nc);
    const before = await chunkMessages();
    let i = 0;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (++i > 5) return controller.error(new Error('export aborted'));
        controller.enqueue(new Uint8Array(200_000));
      },
    });
    await expect(store.putStream('t/failing.bin', failing, 'x/y')).rejects.toThrow(
      'export aborted',
    );
    expect(await store.os.info('t/failing.bin')).toBeNull();
    expect(await chunkMessages()).toBe(before);

    await store.put('t/once.bin', new Uint8Array(10), 'x/y');
    expect(await store.delete('t/once.bin')).toBe(true);
    expect(await store.delete('t/once.bin')).toBe(false);
  });
});
