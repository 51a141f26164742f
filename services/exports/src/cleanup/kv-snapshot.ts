import type { KV, KvEntry } from '@nats-io/kv';

/**
 * Every entry `kv` holds now, read in one pass (a watch's initial snapshot, values streamed by
 * one consumer) rather than a list of keys and a request per key: 100,000 task states come in
 * seconds, not minutes. Deleted and purged keys are left out.
 */
export async function* currentEntries(kv: KV): AsyncGenerator<KvEntry> {
  // A watch over an empty bucket never reports the end of its (empty) snapshot.
  const keys = await kv.keys();
  const first = await keys[Symbol.asyncIterator]().next();
  keys.stop();
  if (first.done) return;
  // Deletes are filtered here, not by the watch: the snapshot's last entry marks its end.
  const watcher = await kv.watch();
  try {
    for await (const entry of watcher) {
      if (entry.operation === 'PUT') yield entry;
      if (entry.isUpdate) break;
    }
  } finally {
    watcher.stop();
  }
}
