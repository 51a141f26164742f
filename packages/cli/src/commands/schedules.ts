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

/** The spec's options, shared by `add` and `edit`. */
const specOptions = {
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
  'jitter-ms': {
    type: 'string',
    valueName: 'MS',
    description: 'Run each fire up to MS after its time, the same on every replica',
  },
} as const;

type SpecValues = { [K in keyof typeof specOptions]?: string | undefined };

/**
 * The spec fields the options give, checked for form only (the whole spec is validated once
 * merged). `cron` and `every` replace each other; `task` holds only the task fields given.
 */
function specChanges(values: SpecValues, name: string): Record<string, unknown> {
  const int = (flag: keyof SpecValues) =>
    intOption(`--${flag}`, values[flag], { min: 0, max: Number.MAX_SAFE_INTEGER }, name);
  const every = int('every');
  const catchup = int('catchup-ms');
  const jitter = int('jitter-ms');
  const task: Record<string, unknown> = {
    ...(values.type !== undefined ? { type: values.type } : {}),
    ...(values.params !== undefined
      ? { params: parseJsonOption('params', values.params, name) }
      : {}),
    ...(values.priority !== undefined
      ? { priority: choiceOption('--priority', values.priority, PRIORITIES, name) }
      : {}),
  };
  return {
    ...(values.cron !== undefined ? { cron: values.cron, every: undefined } : {}),
    ...(every !== undefined ? { every, cron: undefined } : {}),
    ...(values.timezone !== undefined ? { timezone: values.timezone } : {}),
    ...(Object.keys(task).length > 0 ? { task } : {}),
    ...(values.overlap !== undefined
      ? { overlap: choiceOption('--overlap', values.overlap, ['skip', 'allow'] as const, name) }
      : {}),
    ...(catchup !== undefined ? { catchupWindowMs: catchup } : {}),
    ...(jitter !== undefined ? { jitterMs: jitter } : {}),
  };
}

/** A merged spec, validated as the gateway does (schema, params, croner's word), or throws. */
function checkedSpec(spec: Record<string, unknown>, name: string): ScheduleSpec {
  for (const key of Object.keys(spec)) if (spec[key] === undefined) delete spec[key];
  const fields = scheduleSpecErrors(spec);
  if (fields.length === 0) fields.push(...scheduleTimingErrors(spec as ScheduleSpec));
  if (fields.length > 0) throw new UsageError(`invalid schedule: ${describeFields(fields)}`, name);
  return spec as ScheduleSpec;
}

const addCommand = defineCommand({
  name: 'schedules add',
  summary: 'Create a schedule (cron or interval) that submits a task at each fire',
  positionals: [idArg],
  options: {
    ...specOptions,
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
    const changes = specChanges(values, name);
    const spec = checkedSpec(
      {
        id: checkScheduleId(positionals[0], name),
        ...changes,
        task: { params: {}, ...(changes['task'] as object) },
        enabled: !values.disabled,
      },
      name,
    );
    const now = new Date().toISOString();
    const schedule: Schedule = {
      ...spec,
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

const editCommand = defineCommand({
  name: 'schedules edit',
  summary: 'Change a schedule: only the options given; history and owner stay',
  positionals: [idArg],
  options: { ...specOptions, owner: ownerOption },
  examples: [
    `wadm schedules edit probe --every 30000`,
    `wadm schedules edit nightly-backtest --cron '0 4 * * *' --params @bt.json`,
  ],
  async run(ctx, { values, positionals }) {
    const name = 'schedules edit';
    const { owner, id } = targetOf(values, positionals, name);
    const changes = specChanges(values, name);
    if (Object.keys(changes).length === 0) throw new UsageError('nothing to change', name);
    const now = new Date().toISOString();
    const stored = await (
      await openStore(ctx)
    ).mutate(owner, id, (cur) => {
      const { createdAt, history } = cur;
      const current: Record<string, unknown> = { ...cur };
      for (const key of ['v', 'owner', 'createdAt', 'updatedAt', 'history']) delete current[key];
      const task = { ...cur.task, ...(changes['task'] as object | undefined) };
      const spec = checkedSpec({ ...current, ...changes, task }, name);
      return { ...spec, v: 1, owner, createdAt, updatedAt: now, history };
    });
    if (!stored) throw notFound(owner, id);
    if (ctx.json) ctx.out.json(stored.schedule);
    else
      ctx.out.line(
        `changed ${owner}.${id}: ${timing(stored.schedule)}, next ${nextFire(stored.schedule)}`,
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
  editCommand,
  rmCommand,
  toggle('pause', false),
  toggle('resume', true),
  runCommand,
];
