import { DeadLetterAdmin } from '@wadm/runtime';
import { intOption } from '../args.js';
import { defineCommand } from '../command.js';
import { ExitCode, UsageError } from '../errors.js';
import { shortTime, table, truncate } from '../format.js';

const listCommand = defineCommand({
  name: 'dlq list',
  summary: 'List dead letters (tasks that ended in FAILURE), oldest first',
  positionals: [],
  options: {
    limit: {
      type: 'string',
      valueName: 'N',
      description: 'At most N letters, 1-10000 (default 100)',
    },
  },
  async run(ctx, { values }) {
    const limit = intOption('--limit', values.limit, { min: 1, max: 10_000 }, 'dlq list') ?? 100;
    const admin = await DeadLetterAdmin.open(await ctx.connect());
    // One more than asked tells whether to say "more".
    const found = await admin.list(limit + 1);
    const letters = found.slice(0, limit);
    const more = found.length > limit;
    if (ctx.json) {
      ctx.out.json({ letters, more });
      return ExitCode.OK;
    }
    if (letters.length === 0) {
      ctx.out.line('no dead letters');
      return ExitCode.OK;
    }
    const rows = letters.map(({ seq, letter }) => [
      String(seq),
      letter.taskId,
      letter.type,
      letter.owner,
      String(letter.attempts),
      shortTime(letter.failedAt),
      truncate(`${letter.error.code}: ${letter.error.message}`, 80),
    ]);
    ctx.out.line(table(['SEQ', 'TASK', 'TYPE', 'OWNER', 'ATTEMPTS', 'FAILED', 'ERROR'], rows));
    if (more) ctx.out.line(`more: raise --limit above ${limit}`);
    return ExitCode.OK;
  },
});

const replayCommand = defineCommand({
  name: 'dlq replay',
  summary: 'Put a dead task back to work: PENDING again, attempts reset, letter removed',
  positionals: [{ name: 'seq', description: 'The letter\'s SEQ from "wadm dlq list"' }],
  options: {},
  async run(ctx, { positionals }) {
    const seq = intOption(
      '<seq>',
      positionals[0],
      { min: 1, max: Number.MAX_SAFE_INTEGER },
      'dlq replay',
    ) as number;
    const admin = await DeadLetterAdmin.open(await ctx.connect());
    const state = await admin.replay(seq);
    if (ctx.json) ctx.out.json({ seq, state });
    else ctx.out.line(`replayed #${seq}: task ${state.id} is ${state.status}`);
    return ExitCode.OK;
  },
});

const purgeCommand = defineCommand({
  name: 'dlq purge',
  summary: 'Delete every dead letter (the tasks keep their FAILURE state)',
  positionals: [],
  options: { yes: { type: 'boolean', description: 'Confirm: there is no undo' } },
  async run(ctx, { values }) {
    if (!values.yes) {
      throw new UsageError('this deletes every dead letter: add --yes to confirm', 'dlq purge');
    }
    const admin = await DeadLetterAdmin.open(await ctx.connect());
    const purged = await admin.purge();
    if (ctx.json) ctx.out.json({ purged });
    else ctx.out.line(`purged ${purged} dead letter${purged === 1 ? '' : 's'}`);
    return ExitCode.OK;
  },
});

export const dlqCommands = [listCommand, replayCommand, purgeCommand];
