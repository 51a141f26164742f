import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { TaskState } from '@wadm/contracts';
import { connectNats, DeadLetterAdmin, provision, TaskClient } from '@wadm/runtime';
import { ManagedProcess, NatsServer } from '@wadm/testkit';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const SERVICE_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** A dead worker's task comes back after this. */
export const TEST_ACK_WAIT_MS = 2_000;
export const WEBHOOK_SECRET = 'reports-test-webhook-secret-0123456789';

type Connection = Awaited<ReturnType<typeof connectNats>>;

/**
 * A real SMTP server whose answers depend on the recipient: `tempfail…@` gets 451 for the
 * first DATA of each Message-ID, `reject…@` gets 550 at RCPT TO; the rest is accepted.
 */
export interface TestSmtp {
  url: string;
  /** Parsed mails accepted so far. */
  mails: ParsedMail[];
  /** DATA commands answered 451. */
  deferred: number;
  close(): Promise<void>;
}

export async function startTestSmtp(): Promise<TestSmtp> {
  const deferredIds = new Set<string>();
  const smtp: TestSmtp = { url: '', mails: [], deferred: 0, close: async () => {} };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('reject')) {
        callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      } else callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          const tempfail = session.envelope.rcptTo.some((r) => r.address.startsWith('tempfail'));
          const id = mail.messageId ?? '';
          if (tempfail && !deferredIds.has(id)) {
            deferredIds.add(id);
            smtp.deferred += 1;
            callback(Object.assign(new Error('try again later'), { responseCode: 451 }));
            return;
          }
          smtp.mails.push(mail);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  // A worker killed mid-session resets its connection: the server reports it, nothing more.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  smtp.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  smtp.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return smtp;
}

export interface ReceivedHook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A webhook receiver on loopback. Paths: `/ok` 200; `/flaky` 503 for the first request of a
 * task, then 200; `/slow` hangs 1.5 s on the first request of a task, then 200; `/bad` 400;
 * `/moved` 302 to the cloud metadata address.
 */
export interface TestReceiver {
  url: string;
  port: number;
  received: ReceivedHook[];
  close(): Promise<void>;
}

export async function startTestReceiver(): Promise<TestReceiver> {
  const received: ReceivedHook[] = [];
  const seen = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString() });
      const key = `${path} ${String(req.headers['x-wadm-task-id'])}`;
      const first = !seen.has(key);
      seen.add(key);
      if (path.startsWith('/flaky') && first) res.writeHead(503).end('busy');
      else if (path.startsWith('/slow') && first) setTimeout(() => res.end('late'), 1_500);
      else if (path.startsWith('/bad')) res.writeHead(400).end('no such hook');
      else if (path.startsWith('/moved')) {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      } else res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A nats-server, provisioned, and a client on it; reports service processes on demand. */
export interface ServiceHarness {
  server: NatsServer;
  nc: Connection;
  client: TaskClient;
  dlq: DeadLetterAdmin;
  /** Starts the real service (dist/main.js) with these variables. */
  startService(env: Record<string, string>): Promise<ManagedProcess>;
  /** Submits as a fresh owner. */
  submit(type: string, params: unknown): Promise<TaskState>;
  finished(task: TaskState): Promise<TaskState>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<ServiceHarness> {
  const server = await NatsServer.start();
  const nc = await connectNats({ url: server.url, name: 'reports-test' });
  await provision(nc, { ackWaitMs: TEST_ACK_WAIT_MS });
  const client = await TaskClient.open(nc);
  const dlq = await DeadLetterAdmin.open(nc);
  const services: ManagedProcess[] = [];
  return {
    server,
    nc,
    client,
    dlq,
    async startService(env) {
      const service = await ManagedProcess.start({
        command: process.execPath,
        args: [SERVICE_MAIN],
        env: {
          NATS_URL: server.url,
          WADM_HEALTH_PORT: '0',
          WADM_ACK_WAIT_MS: String(TEST_ACK_WAIT_MS),
          WADM_WEBHOOK_SECRET: WEBHOOK_SECRET,
          ...env,
        },
        readyWhen: /reports service ready/,
      });
      services.push(service);
      return service;
    },
    async submit(type, params) {
      const owner = `u${randomUUID().slice(0, 8)}`;
      return (await client.submit({ type, params, owner })).state;
    },
    finished: (task) => client.waitFor(task.owner, task.id, { timeoutMs: 45_000 }),
    async close() {
      await Promise.all(services.map((s) => s.stop()));
      await nc.close();
      await server.stop();
    },
  };
}
