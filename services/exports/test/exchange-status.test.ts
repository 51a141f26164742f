import { createServer, type Server } from 'node:http';
import {
  subjects,
  SYSTEM_OWNER,
  type EmailParams,
  type ExchangeStatusEvent,
} from '@wadm/contracts';
import { freePort } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthBook } from '../src/exchanges/health-book.js';
import { startService, type ServiceHarness } from './harness.js';

/** A local "exchange" whose answer the test picks; `stop()` makes it refuse connections. */
class FakeExchange {
  mode: 'ok' | 'slow' | 'busy' = 'ok';
  private server: Server | undefined;
  constructor(readonly port: number) {}
  get url(): string {
    return `http://127.0.0.1:${this.port}/ping`;
  }
  async start(): Promise<void> {
    this.server = createServer((_req, res) => {
      if (this.mode === 'busy') res.statusCode = 503;
      const delay = this.mode === 'slow' ? 2_500 : 0;
      setTimeout(() => res.end('{}'), delay);
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, '127.0.0.1', resolve));
  }
  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

let h: ServiceHarness;
let exchange: FakeExchange;
let book: HealthBook;
const events: ExchangeStatusEvent[] = [];

beforeAll(async () => {
  exchange = new FakeExchange(await freePort());
  await exchange.start();
  h = await startService({
    WADM_EXCHANGES: `flip=${exchange.url}`,
    // Generous: a probe of a local server must read as up on a busy machine too.
    WADM_EXCHANGE_TIMEOUT_MS: '5000',
    WADM_EXCHANGE_SLOW_MS: '1500',
    WADM_ADMIN_EMAILS: 'ops@example.com,oncall@example.com',
  });
  book = await HealthBook.open(h.nc);
  h.nc.subscribe(subjects.exchangeStatusAll, {
    callback: (err, msg) => {
      if (!err) events.push(msg.json<ExchangeStatusEvent>());
    },
  });
  await h.nc.flush();
});
afterAll(async () => {
  await h?.close();
  await exchange?.stop();
});

/** Runs one health check to its end, as the seed schedule does every 30 s. */
async function probe(): Promise<void> {
  const { task } = await h.submit('maintenance.exchange_health', {});
  expect((await h.finished(task)).status).toBe('SUCCESS');
  await h.nc.flush();
}

async function mails(): Promise<EmailParams[]> {
  const page = await h.client.list(SYSTEM_OWNER, { limit: 100 });
  return page.tasks
    .filter((t) => t.type === 'notify.email' && t.idempotencyKey?.startsWith('exchange-flip@'))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((t) => t.params as EmailParams);
}

const transitions = () => events.map((e) => `${e.from}→${e.to}`);

describe('exchange status', () => {
  it('exchange health - flips down and back: one event and one admin mail each way', async () => {
    await probe();
    expect(transitions()).toEqual(['null→up']);
    await probe();
    expect(transitions()).toEqual(['null→up']);

    await exchange.stop();
    await probe();
    await probe();
    expect(transitions()).toEqual(['null→up', 'up→down']);
    const [down] = await book.all();
    expect(down).toMatchObject({ name: 'flip', status: 'down', previous: 'up', httpStatus: null });
    expect(down?.error).toContain('ECONNREFUSED');
    const downMail = await mails();
    expect(downMail).toHaveLength(1);
    expect(downMail[0]).toMatchObject({
      to: ['ops@example.com', 'oncall@example.com'],
      subject: '[WADM] exchange flip is down',
    });

    await exchange.start();
    await probe();
    await probe();
    expect(transitions()).toEqual(['null→up', 'up→down', 'down→up']);
    const back = await mails();
    expect(back).toHaveLength(2);
    expect(back[1]?.subject).toBe('[WADM] exchange flip is up again');
    const [up] = await book.all();
    expect(up).toMatchObject({ status: 'up', previous: 'down', httpStatus: 200 });
    expect(Date.parse(up?.changedAt ?? '')).toBeLessThan(Date.parse(up?.checkedAt ?? ''));
  });

  it('exchange health - slow and 5xx answers are degraded: an event, no mail', async () => {
    const before = (await mails()).length;
    exchange.mode = 'slow';
    await probe();
    exchange.mode = 'busy';
    await probe();
    exchange.mode = 'ok';
    await probe();
    expect(transitions().slice(-2)).toEqual(['up→degraded', 'degraded→up']);
    const degraded = events.at(-2);
    expect(degraded).toMatchObject({ name: 'flip', to: 'degraded' });
    expect(await mails()).toHaveLength(before);
  });
});
