/**
 * Turns a handler's progress calls into at most one emission per interval, always keeping the
 * latest value (a trailing emission follows a burst).
 */
export class ProgressReporter {
  private latest: { fraction: number; message: string | undefined } | null = null;
  private lastEmit = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly intervalMs: number,
    private readonly emit: (fraction: number, message: string | undefined) => void,
  ) {}

  report(fraction: number, message?: string): void {
    const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
    this.latest = { fraction: clamped, message };
    const wait = this.lastEmit + this.intervalMs - Date.now();
    if (wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.latest = null;
  }

  private flush(): void {
    this.timer = null;
    if (!this.latest) return;
    const { fraction, message } = this.latest;
    this.latest = null;
    this.lastEmit = Date.now();
    this.emit(fraction, message);
  }
}
