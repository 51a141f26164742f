import {
  EnvError,
  intVar,
  loadWorkerEnv,
  mongoUrlVar,
  type EnvSource,
  type WorkerEnv,
} from '@wadm/runtime';

/** Kubernetes probes and Prometheus scrape this port (WADM_HEALTH_PORT overrides it). */
export const DEFAULT_HEALTH_PORT = 9103;

/** The public endpoints `maintenance.exchange_health` probes when WADM_EXCHANGES is unset. */
export const DEFAULT_EXCHANGES: Readonly<Record<string, string>> = {
  binance: 'https://api.binance.com/api/v3/ping',
  bybit: 'https://api.bybit.com/v5/market/time',
  okx: 'https://www.okx.com/api/v5/public/time',
  coinbase: 'https://api.exchange.coinbase.com/time',
};

/** The exports service's configuration: the shared worker variables and its own. */
export interface ExportsEnv extends WorkerEnv {
  /** MONGODB_URL: candles come from MongoDB when set, else from the MARKET_DATA object store. */
  mongoUrl: string | undefined;
  /**
   * Bars read from the candle store at a time (WADM_EXPORT_CHUNK_BARS). @defaultValue 50000
   */
  exportChunkBars: number;
  /** Exchange name → URL probed by `maintenance.exchange_health` (WADM_EXCHANGES). */
  exchanges: Readonly<Record<string, string>>;
  /** A probe with no answer after this is `down` (WADM_EXCHANGE_TIMEOUT_MS). @defaultValue 5000 */
  exchangeTimeoutMs: number;
  /** A probe answered later than this is `degraded` (WADM_EXCHANGE_SLOW_MS). @defaultValue 1500 */
  exchangeSlowMs: number;
  /** Mailed when an exchange goes down and when it is back (WADM_ADMIN_EMAILS, comma-separated). */
  adminEmails: readonly string[];
  /**
   * A WORKERS heartbeat older than this is a worker gone silent, removed by
   * `maintenance.cleanup` (WADM_WORKER_SILENT_S). @defaultValue 300
   */
  workerSilentMs: number;
}

export function loadEnv(env: EnvSource = process.env): ExportsEnv {
  return {
    ...loadWorkerEnv(['exports', 'maintenance'], { healthPort: DEFAULT_HEALTH_PORT }, env),
    mongoUrl: mongoUrlVar(env),
    exportChunkBars: intVar(env, 'WADM_EXPORT_CHUNK_BARS', 50_000, { min: 10, max: 1_000_000 }),
    exchanges: exchangesVar(env, 'WADM_EXCHANGES'),
    exchangeTimeoutMs: intVar(env, 'WADM_EXCHANGE_TIMEOUT_MS', 5_000, { min: 100, max: 60_000 }),
    exchangeSlowMs: intVar(env, 'WADM_EXCHANGE_SLOW_MS', 1_500, { min: 1, max: 60_000 }),
    adminEmails: emailsVar(env, 'WADM_ADMIN_EMAILS'),
    workerSilentMs: intVar(env, 'WADM_WORKER_SILENT_S', 300, { min: 30, max: 30 * 86_400 }) * 1000,
  };
}

const EXCHANGE_NAME = /^[a-z0-9_-]{1,32}$/;

/** `name=url,name=url`; unset or empty: {@link DEFAULT_EXCHANGES}. */
function exchangesVar(env: EnvSource, name: string): Readonly<Record<string, string>> {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return DEFAULT_EXCHANGES;
  const exchanges: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    const eq = pair.indexOf('=');
    const exchange = pair.slice(0, eq).trim();
    const url = pair.slice(eq + 1).trim();
    if (eq < 0 || !EXCHANGE_NAME.test(exchange)) {
      throw new EnvError(name, `expected name=url pairs with names of [a-z0-9_-], got ${pair}`);
    }
    if (!/^https?:$/.test(safeProtocol(url))) {
      throw new EnvError(name, `${exchange}: expected an http(s) URL, got ${JSON.stringify(url)}`);
    }
    exchanges[exchange] = url;
  }
  return exchanges;
}

/** `a@x.org,b@y.org`; unset or empty: none. */
function emailsVar(env: EnvSource, name: string): string[] {
  const raw = env[name]?.trim();
  if (!raw) return [];
  const emails = raw.split(',').map((e) => e.trim());
  const bad = emails.find((e) => !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e));
  if (bad !== undefined) throw new EnvError(name, `not an email address: ${JSON.stringify(bad)}`);
  return emails;
}

function safeProtocol(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return '';
  }
}
