import { TASK_CATALOG, TASK_STATUSES, TASK_TYPES, type TaskType } from '@wadm/contracts';
import { ProblemCode as C } from '../problem.js';
import { SHORTCUTS } from '../routes/tasks.js';
import * as S from '../schemas.js';
import {
  idempotencyHeader,
  JSON_BODY_PROBLEMS,
  json,
  plain,
  problems,
  query,
  ref,
  SUBMIT_PROBLEMS,
  taskIdParam,
  type ApiArea,
  type Json,
} from './common.js';

/** `reports.daily` → `ReportsDaily`: component names for a type's schemas. */
export function componentName(type: TaskType): string {
  return type
    .split(/[._]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** 202 of every submission: the task, and where to follow it. */
export const accepted: Json = {
  description: 'Accepted: the task is PENDING (or, for a repeated Idempotency-Key, as it is now)',
  headers: {
    Location: {
      description: 'The task: `/api/v1/tasks/{task_id}`',
      required: true,
      schema: { type: 'string' },
    },
    'Idempotent-Replayed': {
      description: '`true` when the Idempotency-Key matched an earlier task',
      schema: { type: 'string', const: 'true' },
    },
  },
  content: json(ref('TaskAccepted')),
};

const binary = { schema: { type: 'string', format: 'binary' } };
const fileHeaders = {
  ETag: { description: 'The SHA-256 of the file, quoted', schema: { type: 'string' } },
  'Accept-Ranges': { schema: { type: 'string', const: 'bytes' } },
  'Content-Disposition': {
    description: 'attachment; filename="…"; filename*=UTF-8\'\'…',
    schema: { type: 'string' },
  },
};

function taskSchemas(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const type of TASK_TYPES) {
    const name = componentName(type);
    const def = TASK_CATALOG[type];
    out[`${name}Params`] = { ...plain(def.params), description: def.description };
    out[`${name}Result`] = plain(def.result);
    out[`Submit${name}`] = {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { const: type, type: 'string' },
        params: ref(`${name}Params`),
        priority: plain(S.Priority),
        notBefore: { type: 'string', format: 'date-time' },
      },
    };
  }
  out['SubmitRequest'] = {
    description: 'A task of any type: `params` follow the schema of its `type`',
    oneOf: TASK_TYPES.map((t) => ref(`Submit${componentName(t)}`)),
    discriminator: {
      propertyName: 'type',
      mapping: Object.fromEntries(
        TASK_TYPES.map((t) => [t, `#/components/schemas/Submit${componentName(t)}`]),
      ),
    },
  };
  return out;
}

function shortcutPaths(): Record<string, Json> {
  const paths: Record<string, Json> = {};
  for (const [shortcut, type] of Object.entries(SHORTCUTS)) {
    paths[`/api/v1/tasks/${shortcut}`] = {
      post: {
        operationId: `submit_${shortcut}`,
        tags: ['tasks'],
        summary: `Submit a ${type} task; the body is its params`,
        parameters: [
          idempotencyHeader,
          query('priority', plain(S.Priority), 'Queue priority'),
          query('notBefore', { type: 'string', format: 'date-time' }, 'ETA'),
        ],
        requestBody: { required: true, content: json(ref(`${componentName(type)}Params`)) },
        responses: { '202': accepted, ...problems(JSON_BODY_PROBLEMS, SUBMIT_PROBLEMS) },
      },
    };
  }
  return paths;
}

const resultRefs = () => [...new Set(TASK_TYPES.map((t) => `${componentName(t)}Result`))].map(ref);

export function tasksArea(): ApiArea {
  return {
    tags: [{ name: 'tasks', description: 'Submit and follow tasks' }],
    paths: {
      '/api/v1/tasks': {
        post: {
          operationId: 'submit_task',
          tags: ['tasks'],
          summary: 'Submit a task of any type',
          parameters: [idempotencyHeader],
          requestBody: { required: true, content: json(ref('SubmitRequest')) },
          responses: { '202': accepted, ...problems(JSON_BODY_PROBLEMS, SUBMIT_PROBLEMS) },
        },
        get: {
          operationId: 'list_tasks',
          tags: ['tasks'],
          summary: "The caller's tasks, newest first (an admin's: everyone's)",
          parameters: [
            query('status', { type: 'string' }, `Comma-separated: ${TASK_STATUSES.join(', ')}`),
            query('type', { type: 'string' }, 'Task type'),
            query('since', { type: 'string', format: 'date-time' }, 'Created at or after'),
            query(
              'limit',
              { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
              'Page size',
            ),
            query('cursor', { type: 'string' }, 'next_cursor of the previous page'),
            query('owner', { type: 'string' }, 'Admins: one user, or * (the default) for all'),
          ],
          responses: {
            '200': { description: 'A page of tasks', content: json(ref('TaskPage')) },
            ...problems({ 400: [C.VALIDATION_FAILED], 403: [C.FORBIDDEN] }),
          },
        },
      },
      ...shortcutPaths(),
      '/api/v1/tasks/{task_id}': {
        parameters: [taskIdParam],
        get: {
          operationId: 'get_task',
          tags: ['tasks'],
          summary: 'A task: status, progress, attempts, times, error, inline result',
          responses: {
            '200': { description: 'The task', content: json(ref('TaskView')) },
            ...problems({ 404: [C.TASK_NOT_FOUND] }),
          },
        },
        delete: {
          operationId: 'cancel_task',
          tags: ['tasks'],
          summary: 'Cancel (revoke) a task',
          responses: {
            '200': { description: 'Revoked', content: json(ref('CancelResult')) },
            '202': {
              description: 'Running: the worker was asked to stop; follow the task at Location',
              headers: { Location: accepted['headers']['Location'] },
              content: json(ref('CancelResult')),
            },
            ...problems({ 404: [C.TASK_NOT_FOUND], 409: [C.TASK_ALREADY_TERMINAL] }),
          },
        },
      },
      '/api/v1/tasks/{task_id}/result': {
        parameters: [taskIdParam],
        get: {
          operationId: 'get_task_result',
          tags: ['tasks'],
          summary: 'The result: JSON, or the artifact file streamed with its type and name',
          parameters: [
            {
              name: 'Range',
              in: 'header',
              required: false,
              description: 'One byte range, `bytes=<start>-[<end>]` or `bytes=-<suffix>`',
              schema: { type: 'string' },
            },
            {
              name: 'If-Range',
              in: 'header',
              required: false,
              description: 'The ETag the client holds: another ETag gets the whole file',
              schema: { type: 'string' },
            },
            {
              name: 'If-None-Match',
              in: 'header',
              required: false,
              description: 'The ETag the client holds: a match gets 304',
              schema: { type: 'string' },
            },
          ],
          responses: {
            '200': {
              description:
                "The result; its shape is the task type's `…Result` schema. Artifacts (PDF, " +
                'CSV, XLSX, large JSON) come with their own Content-Type and Content-Disposition.',
              headers: fileHeaders,
              content: {
                'application/json': { schema: { anyOf: [...resultRefs(), { type: 'null' }] } },
                'application/octet-stream': binary,
                'application/pdf': binary,
                'text/csv': binary,
                'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': binary,
              },
            },
            '206': {
              description:
                'The bytes a `Range` header asked for (one range), with Content-Range: a ' +
                'broken download resumes here. `If-Range` with another ETag gets the whole ' +
                'file (200). The Content-Type is the file’s own.',
              headers: {
                ...fileHeaders,
                'Content-Range': {
                  description: '`bytes <start>-<end>/<size>`',
                  required: true,
                  schema: { type: 'string', pattern: '^bytes \\d+-\\d+/\\d+$' },
                },
              },
              content: { '*/*': binary },
            },
            '304': {
              description: '`If-None-Match` named the ETag of the file: unchanged',
              headers: { ETag: fileHeaders.ETag },
            },
            ...problems({
              404: [C.TASK_NOT_FOUND],
              409: [C.TASK_NOT_FINISHED, C.TASK_HAS_NO_RESULT],
              410: [C.ARTIFACT_GONE],
              416: [C.RANGE_NOT_SATISFIABLE],
            }),
          },
        },
      },
      '/api/v1/tasks/{task_id}/retry': {
        parameters: [taskIdParam],
        post: {
          operationId: 'retry_task',
          tags: ['tasks'],
          summary: 'Submit a finished task again as a new task with the same params',
          parameters: [idempotencyHeader],
          responses: {
            '202': accepted,
            ...problems(SUBMIT_PROBLEMS, { 404: [C.TASK_NOT_FOUND], 409: [C.TASK_NOT_FINISHED] }),
          },
        },
      },
    },
    schemas: {
      ...taskSchemas(),
      TaskAccepted: plain(S.TaskAccepted),
      TaskView: plain(S.TaskView),
      TaskPage: plain(S.TaskPage),
      CancelResult: plain(S.CancelResult),
    },
  };
}
