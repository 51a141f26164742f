import { ErrorCode } from '@wadm/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageLedger } from '../src/index.js';
import { StorageQuotaError } from '../src/errors.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
let owners = 0;
const owner = () => `quota${process.pid}_${++owners}`;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const DAY_MS = 86_400_000;

describe('storage quota', () => {
  it('usage ledger - adds what it is charged and refuses what would pass the quota', async () => {
    const ledger = await UsageLedger.open(h.nc);
    const who = owner();
    expect(await ledger.bytes(who)).toBe(0);
    await ledger.charge(who, 600, 1_000);
    await ledger.charge(who, 400, 1_000);
    expect(await ledger.bytes(who)).toBe(1_000);
    await expect(ledger.charge(who, 1, 1_000)).rejects.toBeInstanceOf(StorageQuotaError);
    // A refused charge adds nothing.
    expect(await ledger.bytes(who)).toBe(1_000);
  });

  it('usage ledger - days whose data expired stop counting', async () => {
    let now = Date.parse('2026-03-01T12:00:00Z');
    const ledger = await UsageLedger.open(h.nc, { retentionMs: 7 * DAY_MS, now: () => now });
    const who = owner();
    await ledger.charge(who, 500, 1_000);
    now += 3 * DAY_MS;
    await ledger.charge(who, 500, 1_000);
    await expect(ledger.charge(who, 1, 1_000)).rejects.toThrow(/past the storage quota/);
    // Eight days and a bit after the first write, its day no longer counts; the second's does.
    now += 6 * DAY_MS;
    expect(await ledger.bytes(who)).toBe(500);
    await ledger.charge(who, 500, 1_000);
  });

  it('usage ledger - a refund comes off the day it was charged first, then the nearest, never below zero', async () => {
    let now = Date.parse('2026-03-01T12:00:00Z');
    const ledger = await UsageLedger.open(h.nc, { retentionMs: 7 * DAY_MS, now: () => now });
    const who = owner();
    const first = now;
    await ledger.charge(who, 300, 10_000);
    now += DAY_MS;
    await ledger.charge(who, 200, 10_000);
    now += DAY_MS;
    await ledger.charge(who, 400, 10_000);
    // Charged on the first day: 300 from that day, the other 50 from the next one.
    await ledger.refund(who, 350, first);
    expect(await ledger.bytes(who)).toBe(550);
    await ledger.charge(who, 9_450, 10_000);
    await expect(ledger.charge(who, 1, 10_000)).rejects.toBeInstanceOf(StorageQuotaError);
    await ledger.refund(who, 1_000_000);
    expect(await ledger.bytes(who)).toBe(0);
    await ledger.refund(owner(), 10); // never charged: nothing to give back
  });

  it('usage ledger - concurrent charges lose no bytes', async () => {
    const ledger = await UsageLedger.open(h.nc);
    const who = owner();
    await Promise.all(Array.from({ length: 10 }, () => ledger.charge(who, 10, 1_000_000)));
    expect(await ledger.bytes(who)).toBe(100);
  });

  it('worker - a large result past its owner quota fails at once with STORAGE_QUOTA_EXCEEDED', async () => {
    await h.startWorker({ WADM_STORAGE_QUOTA_BYTES: '300000' });
    const who = owner();
    const first = await h.waitFor(await h.submitEcho({ resultBytes: 200_000 }, { owner: who }));
    expect(first.status).toBe('SUCCESS');
    const second = await h.waitFor(await h.submitEcho({ resultBytes: 200_000 }, { owner: who }));
    expect(second.status).toBe('FAILURE');
    expect(second.attempts).toBe(1);
    expect(second.error).toMatchObject({
      code: ErrorCode.STORAGE_QUOTA_EXCEEDED,
      retryable: false,
    });
    // Small results stay in the state and are not charged; other owners are not affected.
    expect((await h.waitFor(await h.submitEcho({ payload: 1 }, { owner: who }))).status).toBe(
      'SUCCESS',
    );
    const other = await h.waitFor(await h.submitEcho({ resultBytes: 200_000 }, { owner: owner() }));
    expect(other.status).toBe('SUCCESS');
    await h.stopWorkers();
  });
});
