// Runs the services as child processes for the start command: one readable line per log
// record, prefixed with the service's name, and a restart when one dies unexpectedly.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const LEVELS = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const COLORS = { 40: '\x1b[33m', 50: '\x1b[31m', 60: '\x1b[31m' };
const OMITTED = new Set(['level', 'time', 'msg', 'service', 'name', 'pid', 'hostname']);
const RESTART_DELAY_MS = 1_000;

/** Children still running; killed if the start command itself dies. */
const children = new Set();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** A pino JSON line as `hh:mm:ss LEVEL message key=value …`; other lines as they are. */
export function formatLine(line) {
  let record;
  try {
    record = JSON.parse(line);
  } catch {
    return line;
  }
  if (typeof record !== 'object' || record === null || !('msg' in record)) return line;
  const time = typeof record.time === 'string' ? record.time.slice(11, 19) : '';
  const extras = Object.entries(record)
    .filter(([k]) => !OMITTED.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  const level = LEVELS[record.level] ?? String(record.level);
  const color = process.stdout.isTTY ? (COLORS[record.level] ?? '') : '';
  return `${time} ${color}${level}${color ? '\x1b[0m' : ''} ${record.msg}${extras ? `  ${extras}` : ''}`;
}

/** Writes every line of `stream` to stdout as `[name] line`, telling `onLine` too. */
export function prefixLines(name, stream, width, onLine = () => {}) {
  const label = `[${name}]`.padEnd(width + 2);
  createInterface({ input: stream }).on('line', (line) => {
    process.stdout.write(`${label} ${formatLine(line)}\n`);
    onLine(line);
  });
}

/** Keeps one service running until `stop()`; resolves `ready` on its first ready line. */
export function supervise({ name, command, args, env, width, readyPattern }) {
  let child;
  let stopping = false;
  let markReady;
  const ready = new Promise((resolve) => (markReady = resolve));
  const launch = () => {
    // Its own process group: Ctrl-C reaches the start command alone, which stops the services
    // before NATS instead of everything dying at once.
    child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    children.add(child);
    child.on('exit', () => children.delete(child));
    const watchReady = (line) => readyPattern.test(line) && markReady();
    prefixLines(name, child.stdout, width, watchReady);
    prefixLines(name, child.stderr, width);
    child.on('exit', (code, signal) => {
      if (stopping) return;
      const how = signal ? `signal ${signal}` : `code ${code}`;
      process.stdout.write(`[${name}] exited with ${how}; restarting in ${RESTART_DELAY_MS} ms\n`);
      setTimeout(launch, RESTART_DELAY_MS);
    });
  };
  launch();
  return {
    ready,
    stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      return exited;
    },
  };
}
