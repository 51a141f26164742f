/** Keeps the newest output of a child; a chatty process must not grow a test's memory forever. */
const DEFAULT_MAX_CHARS = 4 * 1024 * 1024;

/** Captured stdout and stderr of a child process, interleaved in arrival order. */
export class OutputBuffer {
  private text = '';
  private readonly listeners = new Set<() => void>();

  constructor(private readonly maxChars = DEFAULT_MAX_CHARS) {}

  append(chunk: string): void {
    this.text += chunk;
    if (this.text.length > this.maxChars) this.text = this.text.slice(-this.maxChars);
    for (const listener of this.listeners) listener();
  }

  toString(): string {
    return this.text;
  }

  /** The last `lines` lines, for error messages. */
  tail(lines = 40): string {
    return this.text.trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** Calls `listener` after every append until the returned function is called. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
