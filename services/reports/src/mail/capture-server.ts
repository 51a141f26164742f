import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SMTPServer } from 'smtp-server';

export interface MailCaptureOptions {
  /** Where each message is written as `<time>-<n>.eml`. Created if missing. */
  dir: string;
  /** 0 picks a free port. @defaultValue 0 */
  port?: number;
  /** @defaultValue `127.0.0.1`: a development tool, never reachable from outside. */
  host?: string;
  /** Called with the file of each message once written. */
  onMessage?: (file: string) => void;
}

export interface MailCapture {
  /** `smtp://host:port`, for WADM_SMTP_URL. */
  url: string;
  port: number;
  dir: string;
  close(): Promise<void>;
}

/**
 * The embedded default SMTP server: accepts every message (no auth, no TLS) and keeps it as an
 * .eml file that any mail client opens. `npm start` runs it when WADM_SMTP_URL is unset.
 */
export async function startMailCapture(options: MailCaptureOptions): Promise<MailCapture> {
  const { dir, port = 0, host = '127.0.0.1', onMessage } = options;
  await mkdir(dir, { recursive: true });
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    banner: 'WADM mail capture',
    size: 50 * 1_048_576,
    logger: false,
    onData(stream, _session, callback) {
      count += 1;
      const stamp = new Date().toISOString().replace(/:/g, '-');
      const file = join(dir, `${stamp}-${String(count).padStart(4, '0')}.eml`);
      pipeline(stream, createWriteStream(file)).then(
        () => {
          onMessage?.(file);
          callback(null, `saved as ${file}`);
        },
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://${host}:${bound}`,
    port: bound,
    dir,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
