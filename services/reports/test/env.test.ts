import { EnvError } from '@wadm/runtime';
import { describe, expect, it } from 'vitest';
import { loadCaptureEnv, loadEnv } from '../src/env.js';

describe('reports service - env', () => {
  it('loadEnv - defaults: no SMTP server, no webhook secret, 10 s webhook timeout', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({
      smtpUrl: undefined,
      mailFrom: 'WADM <wadm@localhost>',
      webhookSecret: undefined,
      webhookTimeoutMs: 10_000,
      crashAfterSend: false,
      concurrencyByQueue: { reports: 4, notify: 4 },
    });
    expect(env.webhookAllow.entries).toEqual([]);
  });

  it('loadEnv - reads its own variables', () => {
    const env = loadEnv({
      WADM_SMTP_URL: 'smtps://user:pw@mail.example.com:465',
      WADM_MAIL_FROM: 'alerts@example.com',
      WADM_WEBHOOK_SECRET: 'x'.repeat(32),
      WADM_WEBHOOK_TIMEOUT_MS: '2500',
      WADM_WEBHOOK_ALLOW: 'hooks.internal:8443,10.0.0.0/8',
    });
    expect(env).toMatchObject({
      smtpUrl: 'smtps://user:pw@mail.example.com:465',
      mailFrom: 'alerts@example.com',
      webhookTimeoutMs: 2500,
    });
    expect(env.webhookAllow.entries).toEqual(['hooks.internal:8443', '10.0.0.0/8']);
  });

  it('loadEnv - a bad value names its variable', () => {
    expect(() => loadEnv({ WADM_SMTP_URL: 'mail.example.com' })).toThrow(/WADM_SMTP_URL/);
    expect(() => loadEnv({ WADM_WEBHOOK_SECRET: 'short' })).toThrow(/WADM_WEBHOOK_SECRET/);
    expect(() => loadEnv({ WADM_WEBHOOK_TIMEOUT_MS: '10' })).toThrow(EnvError);
    expect(() => loadEnv({ WADM_WEBHOOK_ALLOW: '1.2.3.4/99' })).toThrow(/WADM_WEBHOOK_ALLOW/);
  });

  it('loadEnv - WADM_REPORT_SYMBOLS: the watchlist of the daily report, the demo markets by default', () => {
    expect(loadEnv({}).reportSymbols).toEqual(['BTCUSDT', 'ETHUSDT']);
    expect(loadEnv({ WADM_REPORT_SYMBOLS: ' SOLUSDT, BTCUSDT,SOLUSDT' }).reportSymbols).toEqual([
      'SOLUSDT',
      'BTCUSDT',
    ]);
    expect(() => loadEnv({ WADM_REPORT_SYMBOLS: 'BTCUSDT,btc-usd' })).toThrow(
      /WADM_REPORT_SYMBOLS.*"btc-usd" is not a symbol/,
    );
    const many = Array.from({ length: 51 }, (_, i) => `S${i}USDT`).join(',');
    expect(() => loadEnv({ WADM_REPORT_SYMBOLS: many })).toThrow(/at most 50 symbols/);
  });

  it('loadEnv - the report mail: attachment limit and the public URL of its download link', () => {
    expect(loadEnv({})).toMatchObject({
      attachmentMaxBytes: 10_000_000,
      publicUrl: 'http://localhost:8000',
    });
    expect(
      loadEnv({
        WADM_MAIL_ATTACHMENT_MAX_BYTES: '0',
        WADM_PUBLIC_URL: 'https://wadm.example.com/',
      }),
    ).toMatchObject({ attachmentMaxBytes: 0, publicUrl: 'https://wadm.example.com' });
    expect(() => loadEnv({ WADM_PUBLIC_URL: 'wadm.example.com' })).toThrow(/WADM_PUBLIC_URL/);
    expect(() => loadEnv({ WADM_MAIL_ATTACHMENT_MAX_BYTES: '-1' })).toThrow(
      /WADM_MAIL_ATTACHMENT_MAX_BYTES/,
    );
  });

  it('loadEnv - the crash-after-send test hook needs WADM_ALLOW_CRASH', () => {
    expect(() => loadEnv({ WADM_NOTIFY_CRASH_AFTER_SEND: '1' })).toThrow(
      /WADM_NOTIFY_CRASH_AFTER_SEND/,
    );
    expect(
      loadEnv({ WADM_NOTIFY_CRASH_AFTER_SEND: '1', WADM_ALLOW_CRASH: '1' }).crashAfterSend,
    ).toBe(true);
  });

  it('loadCaptureEnv - .wadm/mail on port 2525 unless told otherwise', () => {
    expect(loadCaptureEnv({})).toMatchObject({ capturePort: 2525 });
    expect(loadCaptureEnv({}).captureDir).toMatch(/\.wadm\/mail$/);
    expect(loadCaptureEnv({ WADM_MAIL_CAPTURE_PORT: '0' }).capturePort).toBe(0);
  });
});
