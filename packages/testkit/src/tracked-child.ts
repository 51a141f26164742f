import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { OutputBuffer } from './output-buffer.js';
import { trackChild } from './registry.js';

/** How a child ended: an exit code, or the signal that killed it. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface TrackedChildOptions {
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run in its own process group and signal the whole group (wrappers such as `npx`). */
  group: boolean;
  output: OutputBuffer;
}

/**
 * After 'exit', how long to wait for stdio to drain. A grandchild that inherited the pipes
 * can hold them open forever, so 'close' alone is not a safe signal.
 */
const STDIO_DRAIN_MS = 250;

/** A spawned child whose output is captured and which the exit hook kills if it is still alive. */
export class TrackedChild {
  /** Resolves once the child has exited and its output has been read. */
  readonly exited: Promise<ExitStatus>;
  private exitStatus: ExitStatus | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly pid: number,
    private readonly group: boolean,
  ) {
    const untrack = trackChild({ pid, group });
    // Errors after a successful spawn come from kill() on a dead child; exit handling covers them.
    child.on('error', () => {});
    const closed = once(child, 'close').then(() => undefined);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        untrack();
        this.exitStatus = { code, signal };
        const status = this.exitStatus;
        const drained = new Promise<void>((r) => setTimeout(r, STDIO_DRAIN_MS).unref());
        void Promise.race([closed, drained]).then(() => resolve(status));
      });
    });
  }

  /** Spawns the child; rejects with the spawn error (for example ENOENT) if it cannot start. */
  static async spawn(options: TrackedChildOptions): Promise<TrackedChild> {
    const child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: options.group,
    });
    if (child.pid === undefined) {
      const [error] = (await once(child, 'error').catch((e: unknown) => [e])) as [unknown];
      throw error;
    }
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => options.output.append(chunk));
    }
    return new TrackedChild(child, child.pid, options.group);
  }

  /** The exit status, once the child has exited. */
  get status(): ExitStatus | undefined {
    return this.exitStatus;
  }

  /** Sends `signal` to the child (or its group); a child that is already gone is not an error. */
  signal(signal: NodeJS.Signals): void {
    try {
      process.kill(this.group ? -this.pid : this.pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }

  /** Waits up to `timeoutMs` for exit; `undefined` means it is still running. */
  async waitExit(timeoutMs: number): Promise<ExitStatus | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGTERM, then SIGKILL if it is still running after `graceMs`. */
  async terminate(graceMs: number): Promise<ExitStatus> {
    if (!this.exitStatus) this.signal('SIGTERM');
    const status = await this.waitExit(graceMs);
    // kill() also clears group members a departed leader left behind.
    return status && !this.group ? status : this.kill();
  }

  /** SIGKILL (the whole group, even after its leader exited) and wait for the exit. */
  async kill(): Promise<ExitStatus> {
    // Linux does not reuse a pid while it names a live process group, so this cannot hit a
    // stranger; for a lone child, a dead pid could be reused and is left alone.
    if (!this.exitStatus || this.group) this.signal('SIGKILL');
    return this.exited;
  }
}
