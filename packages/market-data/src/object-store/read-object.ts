import { setTimeout as sleep } from 'node:timers/promises';
import type { ObjectInfo, ObjectResult, ObjectStore } from '@nats-io/obj';

/**
 * How long a download may go without a chunk before we ask whether the object was replaced.
 * Chunks of a healthy read arrive milliseconds apart; asking costs one small request.
 */
const STALL_CHECK_MS = 250;
const STALLED = Symbol('stalled');

/** An object's bytes and the info of the version they belong to. */
export interface ObjectRead {
  bytes: Uint8Array;
  info: ObjectInfo;
}

/**
 * Downloads the current version of an object into one buffer, or resolves null when there is
 * none. A writer replacing the object purges the old version's chunks, and a download of the
 * old version then waits forever for chunks that are gone: when the stream stalls and the
 * object's revision moved on, the download starts over on the new version.
 */
export async function readObject(os: ObjectStore, name: string): Promise<ObjectRead | null> {
  for (;;) {
    const result = await os.get(name);
    if (!result) return null;
    const bytes = await download(os, result);
    if (bytes) return { bytes, info: result.info };
  }
}

/** The object's bytes, or undefined when it was replaced while they were coming in. */
async function download(os: ObjectStore, result: ObjectResult): Promise<Uint8Array | undefined> {
  const { info } = result;
  const bytes = new Uint8Array(info.size);
  const reader = result.data.getReader();
  let offset = 0;
  let next = reader.read();
  for (;;) {
    const step = await readOrStall(next);
    if (step === STALLED) {
      const now = await os.info(info.name);
      if (now?.revision === info.revision) continue;
      await reader.cancel();
      return undefined;
    }
    if (step.done) break;
    if (offset + step.value.byteLength > bytes.byteLength) {
      await reader.cancel();
      throw new Error(`object ${info.name} holds more than the ${info.size} bytes it announced`);
    }
    bytes.set(step.value, offset);
    offset += step.value.byteLength;
    next = reader.read();
  }
  const failed = await result.error;
  if (failed) throw failed;
  return bytes.subarray(0, offset);
}

async function readOrStall<T>(read: Promise<T>): Promise<T | typeof STALLED> {
  const timer = new AbortController();
  try {
    return await Promise.race([read, sleep(STALL_CHECK_MS, STALLED, { signal: timer.signal })]);
  } finally {
    timer.abort();
  }
}
