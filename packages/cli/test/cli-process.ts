import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ManagedProcess } from '@wadm/testkit';

const CLI = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const BACKTEST = fileURLToPath(new URL('../../../services/backtest/dist/main.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the built CLI as a user would; a CLI that hangs fails the test after `timeoutMs`. */
export function wadm(
  args: readonly string[],
  opts: { server?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliRun> {
  const started = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env };
  // Tests never reach a NATS the machine happens to run: the URL is always explicit.
  delete env['NATS_URL'];
  if (opts.server) env['NATS_URL'] = opts.server;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`wadm ${args.join(' ')} still running after ${opts.timeoutMs ?? 30_000} ms`),
      );
    }, opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Parses `--json` output, failing with the CLI's stderr when it is not JSON. */
export function json<T>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${run.code}): ${run.stdout}\nstderr: ${run.stderr}`);
  }
}

/** A real backtest service (it serves diagnostics.echo) that does not provision by itself. */
export function startWorker(server: string): Promise<ManagedProcess> {
  return ManagedProcess.start({
    command: process.execPath,
    args: [BACKTEST],
    env: {
      NATS_URL: server,
      WADM_HEALTH_PORT: '0',
      WADM_PROVISION: '0',
      WADM_ACK_WAIT_MS: '5000',
    },
    readyWhen: /backtest service ready/,
  });
}
