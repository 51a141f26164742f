import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  consumerName,
  ErrorCode,
  STREAMS,
  subjects,
  SYSTEM_OWNER,
  type Priority,
} from '@wadm/contracts';
import { NatsServer } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provision } from '../provision.js';
import { parseCommand, type ParsedCommand, type RejectedCommand } from './command-parser.js';

let server: NatsServer;
let nc: NatsConnection;
let js: JetStreamClient;
let ids = 0;
const uid = (): string => `parse${process.pid}-${++ids}`;

beforeAll(async () => {
  server = await NatsServer.start();
  nc = await connect({ servers: server.url });
  await provision(nc);
  js = jetstream(nc);
});
afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

interface Delivery {
  parsed: ParsedCommand | RejectedCommand;
  seq: number;
}

/**
 * Publishes `body` as `nats pub` would, pulls it off the diagnostics consumer of `priority`,
 * parses it, and acks it so the next test finds the queue empty.
 */
async function parseDelivered(
  body: string,
  opts: { msgID?: string; priority?: Priority } = {},
): Promise<Delivery> {
  const priority = opts.priority ?? 'normal';
  await js.publish(
    subjects.task('diagnostics', priority),
    body,
    opts.msgID ? { msgID: opts.msgID } : {},
  );
  const consumer = await js.consumers.get(STREAMS.tasks, consumerName('diagnostics', priority));
  const msg = await consumer.next({ expires: 5_000 });
  if (!msg) throw new Error('the command was not delivered');
  try {
    return { parsed: parseCommand(msg), seq: msg.seq };
  } finally {
    await msg.ackAck();
  }
}

function rejected(parsed: ParsedCommand | RejectedCommand): RejectedCommand {
  if (parsed.ok) throw new Error(`expected a rejection, got ${JSON.stringify(parsed.command)}`);
  return parsed;
}

describe('parseCommand', () => {
  it('parseCommand - reads a good command with the queue and priority of its subject', async () => {
    const id = uid();
    const body = JSON.stringify({
      id,
      owner: 'alice',
      type: 'diagnostics.echo',
      params: { payload: 'hi' },
    });
    const { parsed } = await parseDelivered(body, { priority: 'high' });
    expect(parsed).toEqual({
      ok: true,
      id,
      owner: 'alice',
      queue: 'diagnostics',
      priority: 'high',
      type: 'diagnostics.echo',
      command: { id, owner: 'alice', type: 'diagnostics.echo', params: { payload: 'hi' } },
      raw: body,
    });
  });

  it('parseCommand - without an id, takes the Nats-Msg-Id header', async () => {
    const header = uid();
    const { parsed } = await parseDelivered('{"type":"diagnostics.echo","params":{}}', {
      msgID: header,
    });
    expect(parsed).toMatchObject({ ok: true, id: header });
  });

  it('parseCommand - without an id or a header, names the task after its stream sequence', async () => {
    const { parsed, seq } = await parseDelivered('{"type":"diagnostics.echo","params":{}}');
    expect(parsed).toMatchObject({ ok: true, id: `msg-${seq}` });
  });

  it('parseCommand - without an owner, the owner is system', async () => {
    const { parsed } = await parseDelivered(
      JSON.stringify({ id: uid(), type: 'diagnostics.echo', params: {} }),
    );
    expect(parsed).toMatchObject({ ok: true, owner: SYSTEM_OWNER });
  });

  it('parseCommand - malformed JSON is MALFORMED_COMMAND, under the header id and system', async () => {
    const header = uid();
    const body = '{"type":"diagnostics.echo",';
    const { parsed } = await parseDelivered(body, { msgID: header });
    expect(rejected(parsed)).toMatchObject({
      id: header,
      owner: SYSTEM_OWNER,
      queue: 'diagnostics',
      raw: body,
      error: { code: ErrorCode.MALFORMED_COMMAND, retryable: false },
    });
  });

  it('parseCommand - a command without params is MALFORMED_COMMAND naming the field', async () => {
    const { parsed } = await parseDelivered(
      JSON.stringify({ id: uid(), type: 'diagnostics.echo' }),
    );
    const { error } = rejected(parsed);
    expect(error.code).toBe(ErrorCode.MALFORMED_COMMAND);
    expect(error.fields).toContainEqual(expect.objectContaining({ path: '/params' }));
  });

  it('parseCommand - params failing their schema are VALIDATION_FAILED naming the field', async () => {
    const id = uid();
    const { parsed } = await parseDelivered(
      JSON.stringify({ id, owner: 'bob', type: 'diagnostics.echo', params: { sleepMs: -1 } }),
    );
    // The id and owner of the body stay, so the client finds the task's FAILURE where it looks.
    expect(rejected(parsed)).toMatchObject({
      id,
      owner: 'bob',
      type: 'diagnostics.echo',
      params: { sleepMs: -1 },
      error: { code: ErrorCode.VALIDATION_FAILED, retryable: false },
    });
    expect(rejected(parsed).error.fields).toContainEqual(
      expect.objectContaining({ path: '/params/sleepMs' }),
    );
    expect(rejected(parsed).error.message).toContain('/params/sleepMs');
  });

  it('parseCommand - an unknown type is UNKNOWN_TASK_TYPE', async () => {
    const { parsed } = await parseDelivered(
      JSON.stringify({ id: uid(), type: 'diagnostics.nope', params: {} }),
    );
    expect(rejected(parsed).error.code).toBe(ErrorCode.UNKNOWN_TASK_TYPE);
  });

  it("parseCommand - a type published on another queue's subject is MALFORMED_COMMAND", async () => {
    const { parsed } = await parseDelivered(
      JSON.stringify({ id: uid(), type: 'backtest.run', params: {} }),
    );
    const { error } = rejected(parsed);
    expect(error.code).toBe(ErrorCode.MALFORMED_COMMAND);
    expect(error.message).toContain('tasks.backtest.<priority>');
  });
});
