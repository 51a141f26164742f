// The image's HEALTHCHECK: GET /healthz of whatever this container runs. The gateway answers on
// its HTTP port, a worker on its health port; WADM_HEALTHCHECK_URL overrides both.
const port = process.env.WADM_HEALTH_PORT ?? process.env.WADM_HTTP_PORT ?? '8000';
const url = process.env.WADM_HEALTHCHECK_URL ?? `http://127.0.0.1:${port}/healthz`;
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
