import { randomUUID } from 'node:crypto';
import type { DeadLetter, TaskState } from '@wadm/contracts';
import { NatsServer, pollUntil, stopAll } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startWorker, wadm, type CliRun } from './cli-process.js';

afterAll(stopAll);

interface Letters {
  letters: { seq: number; letter: DeadLetter }[];
  more: boolean;
}

/** One NATS server, provisioned by the CLI, and one real worker for the whole file. */
describe('wadm - against a worker', () => {
  let server: NatsServer;
  let cli: (...args: string[]) => Promise<CliRun>;
  /** Each test lists only its own tasks. */
  const owner = (): string => `u${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    server = await NatsServer.start();
    cli = (...args) => wadm(args, { server: server.url });
    const provisioned = await cli('provision');
    expect(provisioned.stderr).toBe('');
    expect(provisioned.stdout).toContain('streams:       TASKS, TASK_EVENTS, TASKS_DLQ');
    await startWorker(server.url);
  });

  it('wadm provision - is idempotent and reports what it made as JSON', async () => {
    const run = await cli('provision', '--replicas', '1', '--json');
    expect(run.code).toBe(0);
    expect(json(run)).toMatchObject({
      replicas: 1,
      buckets: [
        'TASK_STATE',
        'SCHEDULES',
        'WORKERS',
        'USAGE',
        'NOTIFY_SENT',
        'WEBHOOKS',
        'ALERTS',
        'ALERT_STATE',
        'EXCHANGE_HEALTH',
      ],
    });
  });

  it('wadm submit --wait - prints the id, then the final state, and exits 0 on SUCCESS', async () => {
    const me = owner();
    const run = await cli(
      'submit',
      'diagnostics.echo',
      '--params',
      '{"payload":"hi"}',
      '--owner',
      me,
      '--wait',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [id, ...details] = run.stdout.trim().split('\n');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(details.join('\n')).toMatch(/status: +SUCCESS/);
    expect(details.join('\n')).toContain('"payload":"hi"');

    const status = await cli('status', id as string);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`id: +${id}\\n`));
    expect(status.stdout).toMatch(/status: +SUCCESS/);
    const byOwner = json<TaskState>(await cli('status', id as string, '--owner', me, '--json'));
    expect(byOwner).toMatchObject({ id, owner: me, status: 'SUCCESS', result: { payload: 'hi' } });

    const list = await cli('list', '--owner', me);
    expect(list.stdout).toMatch(/^ID +TYPE +OWNER +STATUS/);
    expect(list.stdout).toMatch(new RegExp(`${id} +diagnostics\\.echo +${me} +SUCCESS +100%`));
    const page = json<{ tasks: TaskState[] }>(
      await cli('list', '--owner', me, '--status', 'success', '--json'),
    );
    expect(page.tasks.map((t) => t.id)).toEqual([id]);
    const none = await cli('list', '--owner', me, '--status', 'FAILURE');
    expect(none.stdout.trim()).toBe('no tasks');
  });

  it('wadm submit --wait - exits 1 and says why when the task fails', async () => {
    const run = await cli(
      'submit',
      'diagnostics.echo',
      '--owner',
      owner(),
      '--wait',
      '--json',
      '--params',
      '{"failTimes":1,"nonRetryable":true}',
    );
    expect(run.code).toBe(1);
    const out = json<{ state: TaskState }>(run);
    expect(out.state).toMatchObject({ status: 'FAILURE', error: { code: 'NON_RETRYABLE' } });
    expect(run.stderr.trim()).toMatch(
      /^wadm: task \S+ ended FAILURE: NON_RETRYABLE: failing on purpose/,
    );
  });

  it('wadm submit - the same idempotency key returns the same task', async () => {
    const me = owner();
    const args = ['submit', 'diagnostics.echo', '--owner', me, '--idempotency-key', 'order-42'];
    const first = await cli(...args);
    const second = await cli(...args, '--json');
    expect(first.code).toBe(0);
    expect(json<{ id: string; duplicate: boolean }>(second)).toMatchObject({
      id: first.stdout.trim(),
      duplicate: true,
    });
    expect(second.stderr).toContain('idempotency key matched existing task');
  });

  it('wadm cancel - revokes a pending task; a second cancel is a failure', async () => {
    const me = owner();
    const submitted = await cli(
      'submit',
      'diagnostics.echo',
      '--owner',
      me,
      '--not-before',
      '2099-01-01T00:00:00Z',
    );
    const id = submitted.stdout.trim();
    expect(json<TaskState>(await cli('status', id, '--json')).status).toBe('PENDING');

    const cancel = await cli('cancel', id);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout.trim()).toBe(`${id} REVOKED`);
    expect(json<TaskState>(await cli('status', id, '--json')).status).toBe('REVOKED');

    const again = await cli('cancel', id, '--owner', me);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe(`wadm cancel: task ${id} already finished with REVOKED`);
  });

  it('wadm cancel - asks the worker to stop a running task, which ends REVOKED', async () => {
    const id = (
      await cli(
        'submit',
        'diagnostics.echo',
        '--owner',
        owner(),
        '--params',
        '{"sleepMs":20000,"progressSteps":40}',
      )
    ).stdout.trim();
    const running = await pollUntil(
      async () =>
        json<TaskState>(await cli('status', id, '--json')).status === 'STARTED' || undefined,
      { timeoutMs: 15_000, intervalMs: 200 },
    );
    expect(running, 'the task never started').toBe(true);
    const cancel = await cli('cancel', id);
    expect(cancel.stdout.trim()).toBe(
      `${id} is running: revoke requested, its worker will stop it`,
    );
    const watch = await cli('watch', id, '--timeout', '15');
    expect(watch.code).toBe(1);
    expect(watch.stdout.trim().split('\n').at(-1)).toMatch(/ REVOKED /);
    expect(watch.stderr.trim()).toBe(`wadm: task ${id} ended REVOKED`);
  });

  it('wadm list - pages with --limit and --cursor, newest first', async () => {
    const me = owner();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const run = await cli('submit', 'diagnostics.echo', '--owner', me, '--priority', 'low');
      ids.push(run.stdout.trim());
    }
    const first = json<{ tasks: TaskState[]; nextCursor: string | null }>(
      await cli('list', '--owner', me, '--limit', '2', '--json'),
    );
    expect(first.tasks).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const human = await cli('list', '--owner', me, '--limit', '2');
    expect(human.stdout.trim().split('\n').at(-1)).toBe(`more: --cursor ${first.nextCursor}`);
    const rest = json<{ tasks: TaskState[]; nextCursor: string | null }>(
      await cli('list', '--owner', me, '--limit', '2', '--cursor', first.nextCursor!, '--json'),
    );
    expect(rest.nextCursor).toBeNull();
    expect([...first.tasks, ...rest.tasks].map((t) => t.id).sort()).toEqual([...ids].sort());
  });

  it('wadm watch - prints each change until the task ends', async () => {
    // Long enough that a second CLI process, started on a busy machine, still sees it run.
    const id = (
      await cli(
        'submit',
        'diagnostics.echo',
        '--owner',
        owner(),
        '--params',
        '{"sleepMs":5000,"progressSteps":3}',
      )
    ).stdout.trim();
    const run = await cli('watch', id);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(/ SUCCESS +100% /);
    expect(lines.some((l) => / STARTED +\d+%/.test(l))).toBe(true);

    const ndjson = await cli('watch', id, '--json');
    const states = ndjson.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as TaskState);
    expect(states.map((s) => s.status)).toEqual(['SUCCESS']);
  });

  it('wadm watch --timeout - gives up on a task that will not end in time', async () => {
    const id = (
      await cli(
        'submit',
        'diagnostics.echo',
        '--owner',
        owner(),
        '--not-before',
        '2099-01-01T00:00:00Z',
      )
    ).stdout.trim();
    const run = await cli('watch', id, '--timeout', '1');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/ PENDING +0%/);
    expect(run.stderr.trim()).toBe(`wadm watch: task ${id} is still PENDING after 1 s`);
    await cli('cancel', id);
  });

  it('wadm dlq - lists a non-retryable failure, replays it, and purges', async () => {
    const me = owner();
    const submitted = await cli(
      'submit',
      'diagnostics.echo',
      '--owner',
      me,
      '--wait',
      '--params',
      '{"failTimes":1,"nonRetryable":true,"payload":"dlq"}',
    );
    const id = submitted.stdout.split('\n')[0] as string;
    expect(submitted.code).toBe(1);

    const listed = json<Letters>(await cli('dlq', 'list', '--json'));
    const dead = listed.letters.find((l) => l.letter.taskId === id);
    expect(dead?.letter).toMatchObject({ owner: me, error: { code: 'NON_RETRYABLE' } });
    const table = await cli('dlq', 'list');
    expect(table.stdout).toMatch(/^SEQ +TASK +TYPE +OWNER +ATTEMPTS +FAILED +ERROR/);
    expect(table.stdout).toMatch(new RegExp(`${dead?.seq} +${id} +diagnostics\\.echo +${me} +1 `));
    const firstFailure = json<TaskState>(await cli('status', id, '--json')).finishedAt;

    const replay = await cli('dlq', 'replay', String(dead?.seq));
    expect(replay.stderr).toBe('');
    expect(replay.stdout.trim()).toBe(`replayed #${dead?.seq}: task ${id} is PENDING`);

    // It runs again: attempt 1 fails again (echo fails while attempt <= failTimes), so the task
    // ends FAILURE a second time, later, under a new dead letter; the replayed letter is gone.
    const again = await pollUntil(
      async () =>
        json<Letters>(await cli('dlq', 'list', '--json')).letters.find(
          (l) => l.letter.taskId === id && l.seq !== dead?.seq,
        ),
      { timeoutMs: 20_000, intervalMs: 250 },
    );
    expect(again, 'the replayed task was never dead-lettered again').toBeDefined();
    expect(again!.seq).toBeGreaterThan(dead!.seq);
    const letters = json<Letters>(await cli('dlq', 'list', '--json')).letters;
    expect(letters.some((l) => l.seq === dead?.seq)).toBe(false);
    const rerun = json<TaskState>(await cli('status', id, '--json'));
    expect(rerun).toMatchObject({ status: 'FAILURE', attempts: 1 });
    expect(rerun.finishedAt! > firstFailure!).toBe(true);

    const replayedTwice = await cli('dlq', 'replay', String(dead?.seq));
    expect(replayedTwice.code).toBe(1);
    expect(replayedTwice.stderr.trim()).toBe(`wadm dlq replay: no dead letter #${dead?.seq}`);

    const purge = await cli('dlq', 'purge', '--yes', '--json');
    expect(json<{ purged: number }>(purge).purged).toBeGreaterThanOrEqual(1);
    expect((await cli('dlq', 'list')).stdout.trim()).toBe('no dead letters');
  });
});
