import type { Schedule, TaskState } from '@wadm/contracts';
import { NatsServer, stopAll } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, wadm, type CliRun } from './cli-process.js';

afterAll(stopAll);

describe('wadm schedules', () => {
  let server: NatsServer;
  let cli: (...args: string[]) => Promise<CliRun>;

  beforeAll(async () => {
    server = await NatsServer.start();
    cli = (...args) => wadm(args, { server: server.url });
    expect((await cli('provision')).code).toBe(0);
  });

  it('wadm schedules - add, list, pause, resume, run and rm a schedule as the system', async () => {
    const add = await cli(
      'schedules',
      'add',
      'probe',
      '--every',
      '60000',
      '--type',
      'diagnostics.echo',
      '--params',
      '{"payload":"p"}',
      '--json',
    );
    expect(add.stderr).toBe('');
    expect(json(add)).toMatchObject({ id: 'probe', owner: 'system', every: 60_000, enabled: true });

    const list = await cli('schedules', 'list', '--json');
    const { schedules } = json(list) as { schedules: Schedule[] };
    expect(schedules.map((s) => `${s.owner}.${s.id}`)).toEqual(['system.probe']);

    expect(json(await cli('schedules', 'pause', 'probe', '--json'))).toMatchObject({
      enabled: false,
    });
    expect(json(await cli('schedules', 'resume', 'probe', '--json'))).toMatchObject({
      enabled: true,
    });
    const edited = json(
      await cli(
        'schedules',
        'edit',
        'probe',
        '--cron',
        '0 8 * * *',
        '--jitter-ms',
        '500',
        '--json',
      ),
    ) as Schedule;
    expect(edited).toMatchObject({ id: 'probe', cron: '0 8 * * *', jitterMs: 500 });
    expect(edited.every).toBeUndefined();
    expect(edited.task.params).toEqual({ payload: 'p' });
    const badEdit = await cli('schedules', 'edit', 'probe', '--params', '{"sleepMs":-1}');
    expect(badEdit.code).toBe(2);
    expect(badEdit.stderr).toMatch(/\/task\/params\/sleepMs/);

    const run = json(await cli('schedules', 'run', 'probe', '--json')) as TaskState;
    expect(run).toMatchObject({ owner: 'system', type: 'diagnostics.echo', status: 'PENDING' });
    expect(run.idempotencyKey).toMatch(/^probe@manual@/);

    expect((await cli('schedules', 'rm', 'probe')).stdout).toContain('deleted system.probe');
    const again = await cli('schedules', 'rm', 'probe');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('no schedule probe');
  });

  it('wadm schedules add - a bad cron or time zone is a usage error naming the field', async () => {
    const cron = await cli(
      'schedules',
      'add',
      'bad',
      '--cron',
      '61 * * * *',
      '--type',
      'diagnostics.echo',
    );
    expect(cron.code).toBe(2);
    expect(cron.stderr).toMatch(/\/cron .*minute/i);
    const tz = await cli(
      'schedules',
      'add',
      'bad',
      '--cron',
      '0 8 * * *',
      '--timezone',
      'Nowhere/Land',
      '--type',
      'diagnostics.echo',
    );
    expect(tz.code).toBe(2);
    expect(tz.stderr).toMatch(/\/timezone /);
  });
});
