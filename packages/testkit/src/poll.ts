/** Options for {@link pollUntil}. */
export interface PollOptions {
  timeoutMs: number;
  intervalMs: number;
  /** Checked before each attempt; `true` gives up early (for example, the process exited). */
  giveUpWhen?: () => boolean;
}

/**
 * Calls `check` until it returns a value, the time is up, or `giveUpWhen` says so. A check
 * that throws counts as "not yet": servers refuse connections while they start.
 *
 * @returns the first value `check` returned, or `undefined` when it gave up or timed out.
 */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  options: PollOptions,
): Promise<T | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (options.giveUpWhen?.()) return undefined;
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
  return undefined;
}
