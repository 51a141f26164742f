// Lifetime guards shared by the Node worker processes: exit when the orchestrator goes away
// (stdin closes), on SIGTERM/SIGINT after `close()`, and in any case after BENCH_WORKER_MAX_S.
export function guardLifetime(name, close) {
  let closing = false;
  const shutdown = async (why) => {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(1), 5_000);
    force.unref();
    try {
      await close();
    } catch (err) {
      process.stderr.write(`${name}: close failed after ${why}: ${err?.message ?? err}\n`);
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.stdin.on('end', () => void shutdown('stdin closed'));
  process.stdin.on('error', () => void shutdown('stdin error'));
  process.stdin.resume();
  const maxSeconds = Number(process.env.BENCH_WORKER_MAX_S ?? 1800);
  setTimeout(() => void shutdown('max lifetime'), maxSeconds * 1000).unref();
}
