import { TASK_STATUSES, type TaskStatus } from '@wadm/contracts';
import { TaskClient, type ListFilters } from '@wadm/runtime';
import { intOption } from '../args.js';
import { defineCommand } from '../command.js';
import { ExitCode, UsageError } from '../errors.js';
import { exitCodeFor, followTask } from '../follow.js';
import { percent, shortTime, stateDetails, stateLine, table } from '../format.js';
import { checkTaskType } from './submit.js';
import {
  checkId,
  checkOwner,
  findTask,
  ownerOption,
  timeoutMs,
  timeoutOption,
} from './task-options.js';

const idArg = { name: 'id', description: 'Task id, as printed by "wadm submit"' };

const statusCommand = defineCommand({
  name: 'status',
  summary: "Show a task's state",
  positionals: [idArg],
  options: { owner: ownerOption },
  async run(ctx, { values, positionals }) {
    const id = checkId(positionals[0] as string, 'status');
    const owner = checkOwner(values.owner, 'status');
    const client = await TaskClient.open(await ctx.connect());
    const state = await findTask(client, id, owner);
    if (ctx.json) ctx.out.json(state);
    else ctx.out.line(stateDetails(state));
    return ExitCode.OK;
  },
});

/** `--status PENDING,retry` → `['PENDING', 'RETRY']`: case and spacing forgiven, names checked. */
function parseStatuses(raw: string | undefined): TaskStatus[] | undefined {
  if (raw === undefined) return undefined;
  return raw.split(',').map((part) => {
    const status = part.trim().toUpperCase();
    if (!(TASK_STATUSES as readonly string[]).includes(status)) {
      throw new UsageError(
        `unknown status ${JSON.stringify(part)}; statuses: ${TASK_STATUSES.join(', ')}`,
        'list',
      );
    }
    return status as TaskStatus;
  });
}

const listCommand = defineCommand({
  name: 'list',
  summary: 'List tasks, newest first',
  positionals: [],
  options: {
    owner: { type: 'string', valueName: 'OWNER', description: 'Only this owner (default: all)' },
    status: {
      type: 'string',
      valueName: 'S[,S…]',
      description: `Only these statuses: ${TASK_STATUSES.join(', ')}`,
    },
    type: { type: 'string', valueName: 'TYPE', description: 'Only this task type' },
    limit: { type: 'string', valueName: 'N', description: 'Page size, 1-1000 (default 50)' },
    cursor: { type: 'string', valueName: 'C', description: 'Next page, from the previous output' },
  },
  examples: ['wadm list --status FAILURE,RETRY --limit 20', 'wadm list --owner alice --json'],
  async run(ctx, { values }) {
    const owner = checkOwner(values.owner, 'list');
    const filters: ListFilters = {};
    const statuses = parseStatuses(values.status);
    if (statuses) filters.status = statuses;
    if (values.type !== undefined) filters.type = checkTaskType(values.type, 'list');
    const limit = intOption('--limit', values.limit, { min: 1, max: 1000 }, 'list');
    if (limit !== undefined) filters.limit = limit;
    if (values.cursor !== undefined) filters.cursor = values.cursor;
    const client = await TaskClient.open(await ctx.connect());
    // `*` lists every owner: the CLI is an operator's tool, like Flower.
    const page = await client.list(owner ?? '*', filters);
    if (ctx.json) {
      ctx.out.json(page);
      return ExitCode.OK;
    }
    if (page.tasks.length === 0) {
      ctx.out.line('no tasks');
      return ExitCode.OK;
    }
    const rows = page.tasks.map((t) => [
      t.id,
      t.type,
      t.owner,
      t.status,
      percent(t.progress),
      `${t.attempts}/${t.maxAttempts}`,
      shortTime(t.createdAt),
    ]);
    ctx.out.line(table(['ID', 'TYPE', 'OWNER', 'STATUS', 'PROGRESS', 'ATTEMPTS', 'CREATED'], rows));
    if (page.nextCursor) ctx.out.line(`more: --cursor ${page.nextCursor}`);
    return ExitCode.OK;
  },
});

const cancelCommand = defineCommand({
  name: 'cancel',
  summary: 'Revoke a pending task, or ask the worker running it to stop',
  positionals: [idArg],
  options: { owner: ownerOption },
  async run(ctx, { values, positionals }) {
    const id = checkId(positionals[0] as string, 'cancel');
    const given = checkOwner(values.owner, 'cancel');
    const client = await TaskClient.open(await ctx.connect());
    const owner = given ?? (await findTask(client, id, undefined)).owner;
    const { state, outcome } = await client.cancel(owner, id);
    if (ctx.json) ctx.out.json({ id, outcome, state });
    else if (outcome === 'revoked') ctx.out.line(`${id} REVOKED`);
    else ctx.out.line(`${id} is running: revoke requested, its worker will stop it`);
    return ExitCode.OK;
  },
});

const watchCommand = defineCommand({
  name: 'watch',
  summary: 'Print every change of a task until it ends (--json: one JSON state per line)',
  positionals: [idArg],
  options: { owner: ownerOption, timeout: timeoutOption },
  async run(ctx, { values, positionals }) {
    const id = checkId(positionals[0] as string, 'watch');
    const owner = checkOwner(values.owner, 'watch');
    const waitMs = timeoutMs(values.timeout, 'watch');
    const client = await TaskClient.open(await ctx.connect());
    const { owner: taskOwner } = await findTask(client, id, owner);
    const final = await followTask(client, taskOwner, id, {
      ...(waitMs === undefined ? {} : { timeoutMs: waitMs }),
      onChange: (s) => (ctx.json ? ctx.out.jsonLine(s) : ctx.out.line(stateLine(s))),
    });
    return exitCodeFor(final, ctx.out);
  },
});

export const taskCommands = [statusCommand, listCommand, cancelCommand, watchCommand];
