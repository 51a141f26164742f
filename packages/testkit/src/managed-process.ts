import { ProcessStartError, WaitTimeoutError } from './errors.js';
import { OutputBuffer } from './output-buffer.js';
import { trackStoppable } from './registry.js';
import { TrackedChild, type ExitStatus } from './tracked-child.js';

/** Options for {@link ManagedProcess.start}. */
export interface ManagedProcessOptions {
  command: string;
  args?: readonly string[];
  /** Merged over `process.env`. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Resolve `start()` only once the output matches this. */
  readyWhen?: RegExp;
  /** @defaultValue `30_000` */
  readyTimeoutMs?: number;
  /** Own process group, so `kill()` also reaches grandchildren (wrappers such as `npx`). */
  group?: boolean;
}

const DEFAULT_READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;

/**
 * A child process under test (a worker service, the CLI): its output is captured, `start()`
 * waits until it says it is ready, and the exit hook kills it if a test forgets to.
 */
export class ManagedProcess {
  private untrack: () => void = () => {};

  private constructor(
    private readonly child: TrackedChild,
    private readonly output: OutputBuffer,
  ) {}

  static async start(options: ManagedProcessOptions): Promise<ManagedProcess> {
    const output = new OutputBuffer();
    const child = await TrackedChild.spawn({
      command: options.command,
      args: options.args ?? [],
      env: { ...process.env, ...options.env },
      cwd: options.cwd,
      group: options.group ?? false,
      output,
    }).catch((error: unknown) => {
      throw new ProcessStartError(`could not spawn ${options.command}`, '', { cause: error });
    });
    const managed = new ManagedProcess(child, output);
    managed.untrack = trackStoppable({ stop: async () => void (await managed.stop()) });
    if (options.readyWhen) {
      try {
        await managed.waitForOutput(options.readyWhen, options.readyTimeoutMs);
      } catch (error) {
        await managed.kill();
        const tail = output.tail();
        throw new ProcessStartError(`${options.command} did not become ready`, tail, {
          cause: error,
        });
      }
    }
    return managed;
  }

  get pid(): number {
    return this.child.pid;
  }

  /** Everything the process wrote to stdout and stderr so far. */
  logs(): string {
    return this.output.toString();
  }

  /** The exit status once it has exited. */
  get status(): ExitStatus | undefined {
    return this.child.status;
  }

  get exited(): Promise<ExitStatus> {
    return this.child.exited;
  }

  /**
   * Resolves with the first match of `pattern` in the output (past or future).
   * @throws WaitTimeoutError after `timeoutMs`, or when the process exits first.
   */
  waitForOutput(pattern: RegExp, timeoutMs = DEFAULT_READY_TIMEOUT_MS): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const match = this.output.toString().match(pattern);
        if (!match) return false;
        finish();
        resolve(match);
        return true;
      };
      const timer = setTimeout(() => {
        finish();
        reject(new WaitTimeoutError(`no output matching ${pattern}`, this.output.tail()));
      }, timeoutMs);
      const unlisten = this.output.onAppend(check);
      const finish = (): void => {
        clearTimeout(timer);
        unlisten();
      };
      void this.child.exited.then(() => {
        if (check()) return;
        finish();
        reject(new WaitTimeoutError(`exited before printing ${pattern}`, this.output.tail()));
      });
      check();
    });
  }

  /** Sends a signal without waiting. */
  signal(signal: NodeJS.Signals): void {
    if (!this.child.status) this.child.signal(signal);
  }

  /** SIGTERM and wait (SIGKILL after `graceMs`). */
  async stop(graceMs = STOP_GRACE_MS): Promise<ExitStatus> {
    this.untrack();
    return this.child.terminate(graceMs);
  }

  /** SIGKILL and wait: a crash. */
  async kill(): Promise<ExitStatus> {
    this.untrack();
    return this.child.kill();
  }
}
