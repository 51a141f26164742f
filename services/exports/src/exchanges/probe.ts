import type { ExchangeHealthResult } from '@wadm/contracts';

export type ExchangeProbe = ExchangeHealthResult['exchanges'][number];

export interface ProbeOptions {
  /** No answer by then: `down`. */
  timeoutMs: number;
  /** A 2xx answer later than this: `degraded`. */
  slowMs: number;
  /** The task's signal: a revoke stops the probe. */
  signal: AbortSignal;
}

/**
 * One HTTP GET of an exchange's public ping endpoint. `up`: a 2xx within `slowMs`;
 * `degraded`: a 2xx later than that, or any other HTTP status (the exchange answers but is not
 * well: maintenance, rate limits); `down`: no HTTP answer within `timeoutMs`.
 */
export async function probeExchange(
  name: string,
  url: string,
  opts: ProbeOptions,
): Promise<ExchangeProbe> {
  const started = performance.now();
  const signal = AbortSignal.any([opts.signal, AbortSignal.timeout(opts.timeoutMs)]);
  try {
    const res = await fetch(url, {
      method: 'GET',
      headers: { accept: 'application/json' },
      redirect: 'manual',
      signal,
    });
    // The body is read so the latency counts the whole answer, and the connection is freed.
    await res.arrayBuffer();
    const latencyMs = Math.round(performance.now() - started);
    if (res.status < 200 || res.status > 299) {
      return {
        name,
        status: 'degraded',
        latencyMs,
        httpStatus: res.status,
        error: `HTTP ${res.status}`,
      };
    }
    if (latencyMs > opts.slowMs) {
      return {
        name,
        status: 'degraded',
        latencyMs,
        httpStatus: res.status,
        error: `answered in ${latencyMs} ms, slower than ${opts.slowMs} ms`,
      };
    }
    return { name, status: 'up', latencyMs, httpStatus: res.status };
  } catch (err) {
    if (opts.signal.aborted) throw opts.signal.reason;
    const timedOut = signal.aborted;
    return {
      name,
      status: 'down',
      latencyMs: null,
      httpStatus: null,
      error: timedOut ? `no answer within ${opts.timeoutMs} ms` : describe(err),
    };
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // fetch says "fetch failed" and keeps the reason (ECONNREFUSED, ENOTFOUND …) in its cause.
  const cause: unknown = err.cause;
  if (cause instanceof Error) {
    const code: unknown = Reflect.get(cause, 'code');
    return typeof code === 'string' ? `${code}: ${cause.message}` : cause.message;
  }
  return err.message;
}
