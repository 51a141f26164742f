import { NatsServer, stopAll } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wadm } from './cli-process.js';

afterAll(stopAll);

/** Usage mistakes are caught before any connection: no server runs in this block. */
describe('wadm - bad input', () => {
  // Nothing listens on port 1: were a command to connect, it would fail with code 1 instead.
  const offline = { server: 'nats://127.0.0.1:1' };

  it.each([
    [['frob'], /unknown command "frob"; commands: provision, submit/],
    [[], /missing command/],
    [['dlq'], /dlq needs a command: list, replay, purge/],
    [['dlq', 'frob'], /unknown command "dlq frob"; dlq commands: list, replay, purge/],
    [['--bogus', 'list'], /unknown option --bogus/],
    [['list', '--bogus'], /wadm list: unknown option --bogus/],
    [['submit'], /missing <type>/],
    [['status', 'a', 'b'], /unexpected argument "b"/],
    [['submit', 'diagnostics.echo', '--params'], /option --params needs a value/],
    [['submit', 'diagnostics.echo', '--wait=yes'], /option --wait takes no value/],
    [
      ['submit', 'no.such', '--params', '{}'],
      /unknown task type "no.such"; known types: .*diagnostics\.echo/,
    ],
    [
      ['submit', 'diagnostics.echo', '--params', '{"sleepMs":'],
      /invalid JSON in --params: unexpected end of input, expected a value at line 1 column 12/,
    ],
    [
      ['submit', 'diagnostics.echo', '--params', '{\n "a": }'],
      /invalid JSON in --params: unexpected "}", expected a value at line 2 column 7/,
    ],
    [
      ['submit', 'diagnostics.echo', '--params', '@/nonexistent.json'],
      /cannot read --params file \/nonexistent.json: ENOENT/,
    ],
    [
      ['submit', 'diagnostics.echo', '--params', '{"sleepMs":-5,"bogus":1}'],
      /invalid params for diagnostics\.echo: .*\/params\/sleepMs must be >= 0/,
    ],
    [
      ['submit', 'diagnostics.echo', '--params', '{"bogus":1}'],
      /\/params\/bogus is not a known field/,
    ],
    [
      ['submit', 'diagnostics.echo', '--priority', 'urgent'],
      /--priority must be one of high, normal, low, got "urgent"/,
    ],
    [
      ['submit', 'diagnostics.echo', '--not-before', 'tomorrow'],
      /--not-before must be an ISO-8601 time/,
    ],
    [['submit', 'diagnostics.echo', '--owner', 'bad owner'], /invalid owner "bad owner"/],
    [['submit', 'diagnostics.echo', '--timeout', '5'], /--timeout only applies with --wait/],
    [['status', 'not.an.id'], /invalid task id "not.an.id"/],
    [['cancel', 'abc', '--owner', 'a b'], /invalid owner "a b"/],
    [['list', '--status', 'DONE'], /unknown status "DONE"; statuses: PENDING, STARTED/],
    [['list', '--type', 'nope'], /unknown task type "nope"/],
    [['list', '--limit', '0'], /--limit must be a whole number from 1 to 1000, got "0"/],
    [['watch', 'abc', '--timeout', 'soon'], /--timeout must be a whole number/],
    [['dlq', 'replay', 'seven'], /<seq> must be a whole number/],
    [['dlq', 'purge'], /add --yes to confirm/],
    [['provision', '--replicas', '9'], /--replicas must be a whole number from 1 to 5/],
  ])('wadm - %j exits 2 with a one-line message', async (args, message) => {
    const run = await wadm(args, offline);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
  });

  it('wadm - --help works for every command and exits 0', async () => {
    const main = await wadm(['--help']);
    expect(main.code).toBe(0);
    for (const name of ['provision', 'submit', 'status', 'list', 'cancel', 'watch', 'dlq list']) {
      expect(main.stdout).toContain(`wadm ${name}`);
      const run = await wadm([...name.split(' '), '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: wadm ${name}`);
    }
    // Help wins over missing arguments, and `wadm help <cmd>` is the same page.
    expect((await wadm(['submit', '-h'])).stdout).toContain('--idempotency-key KEY');
    expect((await wadm(['help', 'dlq', 'replay'])).stdout).toContain(
      'Usage: wadm dlq replay <seq>',
    );
  });
});

describe('wadm - unreachable or unprepared NATS', () => {
  let server: NatsServer;
  beforeAll(async () => {
    server = await NatsServer.start();
  });

  it('wadm - an unreachable server fails fast with a message naming the URL', async () => {
    const run = await wadm(['list', '--server', 'nats://127.0.0.1:1']);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      'wadm list: cannot reach NATS at nats://127.0.0.1:1: connection refused',
    );
    expect(run.ms).toBeLessThan(5_000);
  });

  it('wadm - NATS_URL is used when --server is absent, with the password hidden', async () => {
    const run = await wadm(['status', 'abc'], { server: 'nats://u:secret@127.0.0.1:1' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('cannot reach NATS at nats://u:***@127.0.0.1:1');
    expect(run.stderr).not.toContain('secret');
  });

  it('wadm - a server without the streams asks for provision', async () => {
    const run = await wadm(['dlq', 'list'], { server: server.url });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is not provisioned .*run "wadm provision" first/);
  });

  it('wadm - an unknown id is a failure naming the id', async () => {
    expect((await wadm(['provision'], { server: server.url })).code).toBe(0);
    const status = await wadm(['status', 'no-such-task'], { server: server.url });
    expect(status.code).toBe(1);
    expect(status.stderr.trim()).toBe('wadm status: no task no-such-task');
    const owned = await wadm(['cancel', 'no-such-task', '--owner', 'alice'], {
      server: server.url,
    });
    expect(owned.code).toBe(1);
    expect(owned.stderr.trim()).toBe('wadm cancel: no task no-such-task');
    const watch = await wadm(['watch', 'no-such-task', '--owner', 'alice'], { server: server.url });
    expect(watch.stderr.trim()).toBe('wadm watch: no task no-such-task owned by alice');
    const replay = await wadm(['dlq', 'replay', '99'], { server: server.url });
    expect(replay.code).toBe(1);
    expect(replay.stderr.trim()).toBe('wadm dlq replay: no dead letter #99');
  });
});
