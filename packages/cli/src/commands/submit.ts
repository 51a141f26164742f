import {
  isTaskType,
  PRIORITIES,
  TASK_TYPES,
  validateParams,
  type Priority,
  type TaskType,
} from '@wadm/contracts';
import { TaskClient, type SubmitRequest } from '@wadm/runtime';
import { choiceOption } from '../args.js';
import { defineCommand } from '../command.js';
import { describeFields, ExitCode, UsageError } from '../errors.js';
import { exitCodeFor, followTask } from '../follow.js';
import { stateDetails } from '../format.js';
import { parseJsonOption } from '../json-input.js';
import { checkOwner, timeoutMs, timeoutOption } from './task-options.js';

const NAME = 'submit';

export function checkTaskType(type: string, command: string): TaskType {
  if (!isTaskType(type)) {
    throw new UsageError(
      `unknown task type ${JSON.stringify(type)}; known types: ${TASK_TYPES.join(', ')}`,
      command,
    );
  }
  return type;
}

/**
 * Everything the gateway would refuse, refused here before connecting: a typo should not need
 * a reachable server to be reported, and the message names the field.
 */
function buildRequest(
  type: string,
  values: {
    params?: string;
    priority?: string;
    owner?: string;
    'idempotency-key'?: string;
    'not-before'?: string;
  },
): SubmitRequest {
  const taskType = checkTaskType(type, NAME);
  const params = values.params === undefined ? {} : parseJsonOption('params', values.params, NAME);
  // Validation fills in defaults: check a copy and send what the user wrote.
  const fields = validateParams(taskType, structuredClone(params));
  if (fields.length > 0) {
    throw new UsageError(`invalid params for ${taskType}: ${describeFields(fields)}`, NAME);
  }
  const request: SubmitRequest = { type: taskType, params };
  const priority: Priority | undefined = choiceOption(
    '--priority',
    values.priority,
    PRIORITIES,
    NAME,
  );
  if (priority) request.priority = priority;
  const owner = checkOwner(values.owner, NAME);
  if (owner) request.owner = owner;
  const key = values['idempotency-key'];
  if (key !== undefined) {
    if (key.length === 0) throw new UsageError('--idempotency-key must not be empty', NAME);
    request.idempotencyKey = key;
  }
  const notBefore = values['not-before'];
  if (notBefore !== undefined) {
    if (Number.isNaN(Date.parse(notBefore))) {
      throw new UsageError(
        `--not-before must be an ISO-8601 time such as 2030-01-01T00:00:00Z, got ${JSON.stringify(notBefore)}`,
        NAME,
      );
    }
    request.notBefore = notBefore;
  }
  return request;
}

export const submitCommand = defineCommand({
  name: NAME,
  summary: 'Submit a task and print its id',
  positionals: [{ name: 'type', description: `Task type: ${TASK_TYPES.join(', ')}` }],
  options: {
    params: {
      type: 'string',
      valueName: 'JSON',
      description: 'Task params as JSON, or @file.json to read them from a file (default {})',
    },
    priority: { type: 'string', valueName: PRIORITIES.join('|'), description: 'Default normal' },
    'idempotency-key': {
      type: 'string',
      valueName: 'KEY',
      description: 'The same key from the same owner returns the existing task',
    },
    owner: {
      type: 'string',
      valueName: 'OWNER',
      description: 'Owner of the task (default system)',
    },
    'not-before': {
      type: 'string',
      valueName: 'ISO',
      description: 'Do not start before this ISO-8601 time (ETA)',
    },
    wait: {
      type: 'boolean',
      description: 'Wait for the task to end and print its final state; exit 0 only on SUCCESS',
    },
    timeout: timeoutOption,
  },
  examples: [
    `wadm submit diagnostics.echo --params '{"payload":"hi"}' --wait`,
    `wadm submit diagnostics.echo --params @params.json --priority high --owner alice`,
  ],
  async run(ctx, { values, positionals }) {
    const request = buildRequest(positionals[0] as string, values);
    const waitMs = timeoutMs(values.timeout, NAME);
    if (waitMs !== undefined && !values.wait) {
      throw new UsageError('--timeout only applies with --wait', NAME);
    }
    const client = await TaskClient.open(await ctx.connect());
    const { state, duplicate } = await client.submit(request);
    if (duplicate) {
      ctx.out.note(`idempotency key matched existing task ${state.id} (${state.status})`);
    }
    if (!values.wait) {
      if (ctx.json) ctx.out.json({ id: state.id, duplicate, state });
      else ctx.out.line(state.id);
      return ExitCode.OK;
    }
    // The id first, so a user who interrupts a long wait can still follow the task.
    if (!ctx.json) ctx.out.line(state.id);
    const final = await followTask(client, state.owner, state.id, {
      ...(waitMs === undefined ? {} : { timeoutMs: waitMs }),
    });
    if (ctx.json) ctx.out.json({ id: final.id, duplicate, state: final });
    else ctx.out.line(stateDetails(final));
    return exitCodeFor(final, ctx.out);
  },
});
