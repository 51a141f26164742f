import {
  isValidScheduleId,
  manualRunIdempotencyKey,
  PRIORITIES,
  scheduleSpecErrors,
  SYSTEM_OWNER,
  type Schedule,
  type ScheduleSpec,
} from '@wadm/contracts';
import { scheduleTimer, scheduleTimingErrors, ScheduleStore, TaskClient } from '@wadm/runtime';
import { choiceOption, intOption } from '../args.js';
import { defineCommand, type CommandContext } from '../command.js';
import { describeFields, ExitCode, FailureError, UsageError } from '../errors.js';
import { shortTime, table, truncate } from '../format.js';
import { parseJsonOption } from '../json-input.js';
import { checkOwner } from './task-options.js';

const idArg = { name: 'id', description: 'Schedule id (1-64 of [A-Za-z0-9_-])' };
const ownerOption = {
  type: 'string',
  valueName: 'OWNER',
  description: `Owner of the schedule (default ${SYSTEM_OWNER})`,
} as const;

function checkScheduleId(raw: string | undefined, command: string): string {
  if (!isValidScheduleId(raw)) {
    throw new UsageError(
      `invalid schedule id ${JSON.stringify(raw)}: use 1-64 of [A-Za-z0-9_-]`,
      command,
    );
  }
  return raw;
}

function ownerOf(raw: string | undefined, command: string): string {
  return checkOwner(raw, command) ?? SYSTEM_OWNER;
}

/** The schedule a command names: `<id>` and `--owner`, checked. */
function targetOf(
  values: { owner?: string | undefined },
  positionals: readonly string[],
  command: string,
): { owner: string; id: string } {
  return { owner: ownerOf(values.owner, command), id: checkScheduleId(positionals[0], command) };
}

async function openStore(ctx: CommandContext): Promise<ScheduleStore> {
  return ScheduleStore.open(await ctx.connect());
}

function timing(s: Schedule): string {
  return s.cron !== undefined ? `cron ${s.cron} ${s.timezone}` : `every ${s.every} ms`;
}

function nextFire(s: Schedule): string {
  if (!s.enabled) return 'paused';
  return shortTime(scheduleTimer(s).next(new Date())?.toISOString());
}

function notFound(owner: string, id: string): FailureError {
  return new FailureError('SCHEDULE_NOT_FOUND', `no schedule ${id} of ${owner}`);
}

const listCommand = defineCommand({
  name: 'schedules list',
  summary: 'List schedules with their next and last fire',
  positionals: [],
  options: {
    owner: { type: 'string', valueName: 'OWNER', description: 'Only this owner (default: all)' },
  },
  async run(ctx, { values }) {
    const owner = checkOwner(values.owner, 'schedules list') ?? '*';
    const schedules = await (await openStore(ctx)).list(owner);
    if (ctx.json) {
      ctx.out.json({ schedules });
      return ExitCode.OK;
    }
    if (schedules.length === 0) {
      ctx.out.line('no schedules');
      return ExitCode.OK;
    }
    const rows = schedules.map((s) => {
      const last = s.history.at(-1);
      return [
        s.owner,
        s.id,
        truncate(timing(s), 40),
        s.task.type,
        nextFire(s),
        last ? `${shortTime(last.scheduledAt)} ${last.outcome}` : '-',
      ];
    });
    ctx.out.line(table(['OWNER', 'ID', 'WHEN', 'TYPE', 'NEXT', 'LAST'], rows));
    return ExitCode.OK;
  },
});

const addCommand = defineCommand({
  name: 'schedules add',
  summary: 'Create a schedule (cron or interval) that submits a task at each fire',
  positionals: [idArg],
  options: {
    cron: {
      type: 'string',
      valueName: 'EXPR',
      description: '5 fields (minute first) or 6 (second first)',
    },
    every: { type: 'string', valueName: 'MS', description: 'Interval in ms, at least 1000' },
    timezone: { type: 'string', valueName: 'TZ', description: 'IANA time zone (default UTC)' },
    type: { type: 'string', valueName: 'TYPE', description: 'Task type to submit' },
    params: {
      type: 'string',
      valueName: 'JSON',
      description: 'Task params as JSON, or @file.json (default {})',
    },
    priority: { type: 'string', valueName: PRIORITIES.join('|'), description: 'Default normal' },
    overlap: {
      type: 'string',
      valueName: 'skip|allow',
      description: 'Fire while the previous task runs? (default skip)',
    },
    'catchup-ms': {
      type: 'string',
      valueName: 'MS',
      description: 'After downtime, run the latest fire missed within MS once (default 0)',
    },
    disabled: { type: 'boolean', description: 'Create it paused' },
    owner: ownerOption,
  },
  examples: [
    `wadm schedules add nightly-backtest --cron '0 3 * * *' --timezone Europe/Madrid --type backtest.run --params @bt.json`,
    `wadm schedules add probe --every 60000 --type diagnostics.echo --params '{"payload":"ping"}'`,
  ],
  async run(ctx, { values, positionals }) {
    const name = 'schedules add';
    const owner = ownerOf(values.owner, name);
    if (values.type === undefined) throw new UsageError('--type is required', name);
    const every = intOption(
      '--every',
      values.every,
      { min: 1, max: Number.MAX_SAFE_INTEGER },
      name,
    );
    const catchup = intOption(
      '--catchup-ms',
      values['catchup-ms'],
      { min: 0, max: Number.MAX_SAFE_INTEGER },
      name,
    );
    const spec: Record<string, unknown> = {
      id: checkScheduleId(positionals[0], name),
      ...(values.cron !== undefined ? { cron: values.cron } : {}),
      ...(every !== undefined ? { every } : {}),
      ...(values.timezone !== undefined ? { timezone: values.timezone } : {}),
      task: {
        type: values.type,
        params: values.params === undefined ? {} : parseJsonOption('params', values.params, name),
        ...(values.priority !== undefined
          ? { priority: choiceOption('--priority', values.priority, PRIORITIES, name) }
          : {}),
      },
      enabled: !values.disabled,
      ...(values.overlap !== undefined
        ? { overlap: choiceOption('--overlap', values.overlap, ['skip', 'allow'] as const, name) }
        : {}),
      ...(catchup !== undefined ? { catchupWindowMs: catchup } : {}),
    };
    const fields = scheduleSpecErrors(spec);
    if (fields.length === 0) fields.push(...scheduleTimingErrors(spec as ScheduleSpec));
    if (fields.length > 0)
      throw new UsageError(`invalid schedule: ${describeFields(fields)}`, name);
    const now = new Date().toISOString();
    const schedule: Schedule = {
      ...(spec as ScheduleSpec),
      v: 1,
      owner,
      createdAt: now,
      updatedAt: now,
      history: [],
    };
    if (!(await (await openStore(ctx)).create(schedule))) {
      throw new FailureError('SCHEDULE_EXISTS', `schedule ${schedule.id} of ${owner} exists`);
    }
    if (ctx.json) ctx.out.json(schedule);
    else
      ctx.out.line(
        `created ${owner}.${schedule.id}: ${timing(schedule)}, next ${nextFire(schedule)}`,
      );
    return ExitCode.OK;
  },
});

const rmCommand = defineCommand({
  name: 'schedules rm',
  summary: 'Delete a schedule (its submitted tasks stay)',
  positionals: [idArg],
  options: { owner: ownerOption },
  async run(ctx, { values, positionals }) {
    const { owner, id } = targetOf(values, positionals, 'schedules rm');
    if (!(await (await openStore(ctx)).delete(owner, id))) throw notFound(owner, id);
    if (ctx.json) ctx.out.json({ owner, id, deleted: true });
    else ctx.out.line(`deleted ${owner}.${id}`);
    return ExitCode.OK;
  },
});

function toggle(action: 'pause' | 'resume', enabled: boolean) {
  return defineCommand({
    name: `schedules ${action}`,
    summary: enabled ? 'Resume a paused schedule' : 'Pause a schedule: it fires no more',
    positionals: [idArg],
    options: { owner: ownerOption },
    async run(ctx, { values, positionals }) {
      const { owner, id } = targetOf(values, positionals, `schedules ${action}`);
      const now = new Date().toISOString();
      const stored = await (
        await openStore(ctx)
      ).mutate(owner, id, (s) =>
        s.enabled === enabled ? null : { ...s, enabled, updatedAt: now },
      );
      if (!stored) throw notFound(owner, id);
      if (ctx.json) ctx.out.json(stored.schedule);
      else ctx.out.line(`${owner}.${id} ${enabled ? 'resumed' : 'paused'}`);
      return ExitCode.OK;
    },
  });
}

const runCommand = defineCommand({
  name: 'schedules run',
  summary: "Submit a schedule's task now, once",
  positionals: [idArg],
  options: { owner: ownerOption },
  async run(ctx, { values, positionals }) {
    const { owner, id } = targetOf(values, positionals, 'schedules run');
    const nc = await ctx.connect();
    const stored = await (await ScheduleStore.open(nc)).get(owner, id);
    if (!stored) throw notFound(owner, id);
    const { task } = stored.schedule;
    const client = await TaskClient.open(nc);
    const { state } = await client.submit({
      type: task.type,
      params: task.params,
      priority: task.priority,
      owner,
      idempotencyKey: manualRunIdempotencyKey(id, new Date()),
    });
    if (ctx.json) ctx.out.json(state);
    else ctx.out.line(`submitted ${state.id} (${state.type}) for ${owner}.${id}`);
    return ExitCode.OK;
  },
});

export const scheduleCommands = [
  listCommand,
  addCommand,
  rmCommand,
  toggle('pause', false),
  toggle('resume', true),
  runCommand,
];
