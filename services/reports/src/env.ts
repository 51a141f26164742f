import { join, resolve } from 'node:path';
import {
  boolVar,
  EnvError,
  intVar,
  loadBaseEnv,
  loadWorkerEnv,
  mongoUrlVar,
  parseAllowList,
  portVar,
  stringVar,
  type AllowList,
  type BaseEnv,
  type EnvSource,
  type WorkerEnv,
} from '@wadm/runtime';

/** Kubernetes probes and Prometheus scrape this port (WADM_HEALTH_PORT overrides it). */
export const DEFAULT_HEALTH_PORT = 9102;

/** The queues this service serves besides `diagnostics`. */
export const QUEUES = ['reports', 'notify'] as const;
export type ServedQueue = (typeof QUEUES)[number];

/** The reports service's configuration: the shared worker variables and its own. */
export interface ReportsEnv extends WorkerEnv {
  /**
   * WADM_SMTP_URL, e.g. `smtp://user:pass@mail.example.com:587` or `smtps://…:465`. Unset:
   * `notify.email` fails with SMTP_NOT_CONFIGURED (`npm start` runs a local capture server).
   */
  smtpUrl: string | undefined;
  /** WADM_MAIL_FROM: the From of every mail. @defaultValue `WADM <wadm@localhost>` */
  mailFrom: string;
  /** WADM_WEBHOOK_SECRET (≥ 32 characters): HMAC key of the signature. Unset: no webhooks. */
  webhookSecret: string | undefined;
  /** WADM_WEBHOOK_TIMEOUT_MS: one attempt's whole request. @defaultValue 10000 */
  webhookTimeoutMs: number;
  /** WADM_WEBHOOK_ALLOW: hosts, host:port pairs and CIDRs exempt from the address check. */
  webhookAllow: AllowList;
  /**
   * WADM_NOTIFY_CRASH_AFTER_SEND (tests only; needs WADM_ALLOW_CRASH): the process kills itself
   * right after a notification was delivered and recorded, before the task is acked.
   */
  crashAfterSend: boolean;
  /** MONGODB_URL: candles come from MongoDB when set, else from the MARKET_DATA object store. */
  mongoUrl: string | undefined;
  /** WADM_REPORT_SYMBOLS (comma-separated): `reports.daily`'s symbols when it names none. */
  reportSymbols: readonly string[];
  /**
   * WADM_MAIL_ATTACHMENT_MAX_BYTES: a report PDF above this is not attached; the mail links to
   * its download instead. @defaultValue 10000000 (many servers refuse mails over 10–25 MB)
   */
  attachmentMaxBytes: number;
  /** WADM_PUBLIC_URL: the gateway as mail readers reach it. @defaultValue `http://localhost:8000` */
  publicUrl: string;
}

/** The demo markets `npm start` seeds: the watchlist until WADM_REPORT_SYMBOLS names another. */
export const DEFAULT_REPORT_SYMBOLS = ['BTCUSDT', 'ETHUSDT'] as const;

export function loadEnv(env: EnvSource = process.env): ReportsEnv {
  const worker = loadWorkerEnv(QUEUES, { healthPort: DEFAULT_HEALTH_PORT }, env);
  const webhookSecret = env['WADM_WEBHOOK_SECRET'] || undefined;
  if (webhookSecret !== undefined && webhookSecret.length < 32) {
    throw new EnvError('WADM_WEBHOOK_SECRET', 'use at least 32 characters');
  }
  const crashAfterSend = boolVar(env, 'WADM_NOTIFY_CRASH_AFTER_SEND', false);
  if (crashAfterSend && !worker.allowCrash) {
    throw new EnvError('WADM_NOTIFY_CRASH_AFTER_SEND', 'a test hook: set WADM_ALLOW_CRASH too');
  }
  return {
    ...worker,
    smtpUrl: env['WADM_SMTP_URL']
      ? stringVar(env, 'WADM_SMTP_URL', '', /^smtps?:\/\/\S+$/)
      : undefined,
    mailFrom: stringVar(env, 'WADM_MAIL_FROM', 'WADM <wadm@localhost>', /@/),
    webhookSecret,
    webhookTimeoutMs: intVar(env, 'WADM_WEBHOOK_TIMEOUT_MS', 10_000, { min: 100, max: 300_000 }),
    webhookAllow: parseAllowList(env['WADM_WEBHOOK_ALLOW'] ?? '', 'WADM_WEBHOOK_ALLOW'),
    crashAfterSend,
    mongoUrl: mongoUrlVar(env),
    reportSymbols: symbolsVar(env, 'WADM_REPORT_SYMBOLS'),
    attachmentMaxBytes: intVar(env, 'WADM_MAIL_ATTACHMENT_MAX_BYTES', 10_000_000, {
      min: 0,
      max: 100_000_000,
    }),
    publicUrl: stringVar(
      env,
      'WADM_PUBLIC_URL',
      'http://localhost:8000',
      /^https?:\/\/\S+$/,
    ).replace(/\/+$/, ''),
  };
}

/** 1 to 50 market symbols, as `reports.daily` accepts them. */
function symbolsVar(env: EnvSource, name: string): readonly string[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return DEFAULT_REPORT_SYMBOLS;
  const symbols = raw.split(',').map((s) => s.trim());
  const bad = symbols.find((s) => !/^[A-Z0-9]{2,20}$/.test(s));
  if (bad !== undefined) throw new EnvError(name, `${JSON.stringify(bad)} is not a symbol`);
  if (symbols.length > 50) throw new EnvError(name, `at most 50 symbols, got ${symbols.length}`);
  return [...new Set(symbols)];
}

/** The mail capture server's configuration (`wadm-mail-capture`, run by `npm start`). */
export interface CaptureEnv extends BaseEnv {
  /** WADM_MAIL_CAPTURE_DIR. @defaultValue `.wadm/mail` under the working directory */
  captureDir: string;
  /** WADM_MAIL_CAPTURE_PORT; 0 picks a free one. @defaultValue 2525 */
  capturePort: number;
}

export function loadCaptureEnv(env: EnvSource = process.env): CaptureEnv {
  return {
    ...loadBaseEnv(env),
    captureDir: resolve(stringVar(env, 'WADM_MAIL_CAPTURE_DIR', join('.wadm', 'mail'))),
    capturePort: portVar(env, 'WADM_MAIL_CAPTURE_PORT', 2525),
  };
}
