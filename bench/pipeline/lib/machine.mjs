// What every benchmark line says about where it ran: the machine and the software versions.
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { NATS_SERVER, tryVersion } from './processes.mjs';
import { round } from './util.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The version of a package installed for the benchmarks, or null. */
export function packageVersion(pkg) {
  try {
    const file = new URL(`../../node_modules/${pkg}/package.json`, import.meta.url);
    return JSON.parse(readFileSync(file, 'utf8')).version;
  } catch {
    return null;
  }
}

/** The machine, Node, nats-server and commit; `extra` adds what one benchmark compares. */
export function describeMachine(extra = {}) {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memory_gb: round(totalmem() / 2 ** 30, 1),
    load_1m_at_start: round(loadavg()[0], 2),
    node: process.version,
    nats_server: tryVersion(NATS_SERVER, ['--version']),
    ...extra,
    wadm_commit: tryVersion('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']),
    wadm_uncommitted: Boolean(
      tryVersion('git', ['-C', ROOT, 'status', '--porcelain', 'packages', 'services']),
    ),
  };
}
