import { Type } from '@sinclair/typebox';
import { TaskEvent } from '@wadm/contracts';
import { ClientErrorCode, CloseCode } from '../ws/protocol.js';
import { plain, type Json } from './openapi/common.js';

/**
 * The WebSocket bridge as an AsyncAPI 3 document, served at `/asyncapi.json` beside the
 * OpenAPI one. OpenAPI 3.1 cannot describe messages flowing on an open socket; AsyncAPI is the
 * standard that can, and its tools (viewers, code generators) read it. The message schemas
 * come from the same TypeBox sources as the events the bridge sends.
 */
const CLOSE_CODES: Record<number, string> = {
  [CloseCode.GOING_AWAY]: 'the gateway is shutting down: reconnect with `resume_from`',
  [CloseCode.POLICY_VIOLATION]: 'too many messages the server could not understand',
  [CloseCode.INTERNAL_ERROR]: 'a resume or token check failed: reconnect (and resume) again',
  [CloseCode.SLOW_CONSUMER]: 'the client read too slowly: reconnect with `resume_from`',
  [CloseCode.UNAUTHORIZED]: 'the token is invalid, or expired while connected',
  [CloseCode.FORBIDDEN]: 'the token does not allow this channel',
  [CloseCode.RESUME_TOO_LARGE]:
    'more missed events than one resume replays: after the final `resume_limit` reply, ' +
    'reconnect with its `stream_seq` as `resume_from`',
  [CloseCode.TOO_MANY_CONNECTIONS]: 'the user already holds the most sockets one instance allows',
};

const streamSeq = Type.Integer({
  minimum: 0,
  description: 'Sequence in the TASK_EVENTS stream: the bookmark for `resume_from`',
});

const message = (name: string, summary: string, payload: Json) => ({
  name,
  title: name,
  summary,
  contentType: 'application/json',
  payload,
});

export function buildAsyncApi(version: string): Json {
  const closeCodes = Object.entries(CLOSE_CODES)
    .map(([code, why]) => `- \`${code}\`: ${why}`)
    .join('\n');
  const resumeFields = {
    resume_from: Type.Integer({ minimum: 0 }),
    replayed: Type.Integer({ minimum: 0, description: 'Events replayed from TASK_EVENTS' }),
    stream_seq: streamSeq,
    truncated: Type.Boolean({ description: 'Some missed events had aged out of the stream' }),
  };
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'WADM task events',
      version,
      description:
        'Live task events on a WebSocket. Connect to `/ws/tasks/{user_id}?token=<JWT>` ' +
        '(a user: their own id; an admin: any, or `*`). Every event carries `stream_seq`; ' +
        'reconnect with `?resume_from=<the highest stream_seq received>` (or send ' +
        '`{"resume_from": n}` first thing) to get what was missed, exactly once.\n\n' +
        `Close codes:\n${closeCodes}`,
    },
    defaultContentType: 'application/json',
    servers: {
      gateway: {
        host: 'localhost:8001',
        protocol: 'ws',
        description: 'The gateway’s WebSocket port (`WADM_WS_PORT`, 8001 by default)',
      },
    },
    channels: {
      taskEvents: {
        address: '/ws/tasks/{user_id}',
        title: 'Task events of one user',
        parameters: {
          user_id: { description: 'Whose events: the token’s user, or (admins) any, or `*`' },
        },
        bindings: {
          ws: {
            method: 'GET',
            query: {
              type: 'object',
              required: ['token'],
              properties: {
                token: { type: 'string', description: 'The bearer JWT' },
                resume_from: { type: 'integer', minimum: 0, description: 'Resume after this' },
              },
            },
          },
        },
        messages: {
          taskEvent: { $ref: '#/components/messages/taskEvent' },
          resumed: { $ref: '#/components/messages/resumed' },
          resumeLimit: { $ref: '#/components/messages/resumeLimit' },
          error: { $ref: '#/components/messages/error' },
          resume: { $ref: '#/components/messages/resume' },
        },
      },
    },
    operations: {
      receiveTaskEvents: {
        action: 'receive',
        channel: { $ref: '#/channels/taskEvents' },
        summary: 'Task events, then replies to what the client sent',
        messages: ['taskEvent', 'resumed', 'resumeLimit', 'error'].map((m) => ({
          $ref: `#/channels/taskEvents/messages/${m}`,
        })),
      },
      sendResume: {
        action: 'send',
        channel: { $ref: '#/channels/taskEvents' },
        summary: 'Ask for the events missed since a `stream_seq` (once per connection)',
        messages: [{ $ref: '#/channels/taskEvents/messages/resume' }],
      },
    },
    components: {
      messages: {
        taskEvent: message(
          'TaskEvent',
          'A task changed: status, progress, result or error',
          plain(Type.Composite([TaskEvent, Type.Object({ stream_seq: streamSeq })])),
        ),
        resumed: message(
          'Resumed',
          'The replay asked for is complete; live events follow',
          plain(Type.Object({ control: Type.Literal('resumed'), ...resumeFields })),
        ),
        resumeLimit: message(
          'ResumeLimit',
          'The replay stopped at the limit; the socket closes with 4413 next',
          plain(
            Type.Object({
              control: Type.Literal('resume_limit'),
              ...resumeFields,
              limit: Type.Integer({ description: 'WADM_WS_MAX_RESUME_EVENTS' }),
              message: Type.String(),
            }),
          ),
        ),
        error: message(
          'Error',
          'The client sent something the bridge could not use',
          plain(
            Type.Object({
              control: Type.Literal('error'),
              code: Type.Union(Object.values(ClientErrorCode).map((c) => Type.Literal(c))),
              message: Type.String(),
            }),
          ),
        ),
        resume: message(
          'Resume',
          'Client → server: replay what was missed after `resume_from`',
          plain(Type.Object({ resume_from: Type.Integer({ minimum: 0 }) })),
        ),
      },
    },
  };
}
