/** JetStream durations are nanoseconds on the wire. */
export function nanos(ms: number): number {
  return ms * 1_000_000;
}

/** JetStream's nanoseconds as milliseconds. */
export function millis(ns: number): number {
  return Math.floor(ns / 1_000_000);
}

export function isoNow(): string {
  return new Date().toISOString();
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * JetStream publishes that must land (commands, dead letters, terminal events) retry through
 * "no responders", which is what a stream answers while its cluster elects a new leader.
 * Message ids make the retries safe.
 */
export const DURABLE_PUBLISH_RETRIES = 20;
