import { Type } from '@sinclair/typebox';
import {
  Schedule,
  SCHEDULE_BACKFILL_MAX_FIRES,
  SCHEDULE_ID_PATTERN,
  ScheduleBackfillRequest,
  ScheduleSpec,
} from '@wadm/contracts';
import { ProblemCode as C } from '../problem.js';
import { BackfillResult, ScheduleRuns } from '../routes/schedule-views.js';
import { accepted } from './tasks.js';
import {
  JSON_BODY_PROBLEMS,
  json,
  plain,
  problems,
  query,
  ref,
  SUBMIT_PROBLEMS,
  type ApiArea,
  type Json,
} from './common.js';

const ownerQuery = query(
  'owner',
  { type: 'string' },
  "Whose schedule: the caller's by default; admins may name another user or `system`",
);
const idParam = {
  name: 'schedule_id',
  in: 'path',
  required: true,
  schema: { type: 'string', pattern: SCHEDULE_ID_PATTERN.source },
};
const view = (description: string) => ({ description, content: json(ref('ScheduleView')) });
const found = { 400: [C.VALIDATION_FAILED], 403: [C.FORBIDDEN], 404: [C.SCHEDULE_NOT_FOUND] };
/** A spec is checked like a submission: schema, timing, type, who may submit it. */
const specProblems = [
  JSON_BODY_PROBLEMS,
  { 400: [C.VALIDATION_FAILED, C.UNKNOWN_TASK_TYPE], 403: [C.FORBIDDEN] },
];

function action(operationId: string, summary: string, ok: Json, ...more: object[]): Json {
  return {
    parameters: [idParam],
    post: {
      operationId,
      tags: ['schedules'],
      summary,
      parameters: [ownerQuery],
      responses: { ...ok, ...problems(found, ...more) },
    },
  };
}

export function schedulesArea(): ApiArea {
  return {
    tags: [{ name: 'schedules', description: 'Cron and interval schedules that submit tasks' }],
    paths: {
      '/api/v1/schedules': {
        get: {
          operationId: 'list_schedules',
          tags: ['schedules'],
          summary: "The caller's schedules (an admin's without `owner`: everyone's)",
          parameters: [ownerQuery],
          responses: {
            '200': { description: 'Schedules', content: json(ref('ScheduleList')) },
            ...problems({ 400: [C.VALIDATION_FAILED], 403: [C.FORBIDDEN] }),
          },
        },
        post: {
          operationId: 'create_schedule',
          tags: ['schedules'],
          summary: 'Create a schedule',
          parameters: [ownerQuery],
          requestBody: { required: true, content: json(ref('ScheduleCreate')) },
          responses: {
            '201': {
              ...view('Created'),
              headers: {
                Location: { required: true, schema: { type: 'string' } },
              },
            },
            ...problems(...specProblems, {
              409: [C.SCHEDULE_EXISTS],
              429: [C.SCHEDULE_LIMIT_EXCEEDED],
            }),
          },
        },
      },
      '/api/v1/schedules/{schedule_id}': {
        parameters: [idParam],
        get: {
          operationId: 'get_schedule',
          tags: ['schedules'],
          summary: 'A schedule, its last fires and its next fire time',
          parameters: [ownerQuery],
          responses: { '200': view('The schedule'), ...problems(found) },
        },
        put: {
          operationId: 'replace_schedule',
          tags: ['schedules'],
          summary: 'Replace the spec of a schedule; its owner and history stay',
          parameters: [ownerQuery],
          requestBody: { required: true, content: json(ref('ScheduleSpec')) },
          responses: { '200': view('Replaced'), ...problems(found, ...specProblems) },
        },
        delete: {
          operationId: 'delete_schedule',
          tags: ['schedules'],
          summary: 'Delete a schedule',
          parameters: [ownerQuery],
          responses: { '204': { description: 'Deleted' }, ...problems(found) },
        },
      },
      '/api/v1/schedules/{schedule_id}/pause': action(
        'pause_schedule',
        'Stop firing until resumed',
        { '200': view('Paused') },
      ),
      '/api/v1/schedules/{schedule_id}/resume': action('resume_schedule', 'Fire again', {
        '200': view('Enabled'),
      }),
      '/api/v1/schedules/{schedule_id}/run': action(
        'run_schedule',
        "Submit the schedule's task now (once per second at most: a repeat is the same task)",
        { '202': accepted },
        SUBMIT_PROBLEMS,
      ),
      '/api/v1/schedules/{schedule_id}/runs': {
        parameters: [idParam],
        get: {
          operationId: 'list_schedule_runs',
          tags: ['schedules'],
          summary: 'The last fires, newest first: time, outcome, task id and the task status now',
          parameters: [ownerQuery],
          responses: {
            '200': { description: 'Fires', content: json(ref('ScheduleRuns')) },
            ...problems(found),
          },
        },
      },
      '/api/v1/schedules/{schedule_id}/backfill': {
        parameters: [idParam],
        post: {
          operationId: 'backfill_schedule',
          // Many tasks per request, like bulk: each fire's result links its task.
          tags: ['schedules', 'bulk'],
          summary: `Fire every time of the schedule in a past range (at most ${SCHEDULE_BACKFILL_MAX_FIRES})`,
          description:
            "Each fire is submitted with the fire's own idempotency key (`<id>@<time>`), as " +
            'the scheduler does: a time already fired, or backfilled before, gets its existing ' +
            'task back (`duplicate`), never a second one. Overlap does not apply.',
          parameters: [ownerQuery],
          requestBody: { required: true, content: json(ref('ScheduleBackfillRequest')) },
          responses: {
            '202': {
              description: 'Every fire has a task',
              content: json(ref('ScheduleBackfillResult')),
            },
            '207': {
              description: "Some fires were refused (quota, changed params): each fire's status",
              content: json(ref('ScheduleBackfillResult')),
            },
            ...problems(found, JSON_BODY_PROBLEMS),
          },
        },
      },
    },
    schemas: {
      ScheduleSpec: plain(ScheduleSpec),
      ScheduleCreate: {
        ...plain(ScheduleSpec),
        properties: {
          ...plain(ScheduleSpec)['properties'],
          owner: { type: 'string', description: 'Admins: whose schedule (or `system`)' },
        },
      },
      ScheduleView: plain(
        Type.Composite([
          Schedule,
          Type.Object({
            nextFireAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
              description: 'The next fire; null when paused',
            }),
          }),
        ]),
      ),
      ScheduleRuns: plain(ScheduleRuns),
      ScheduleBackfillRequest: plain(ScheduleBackfillRequest),
      ScheduleBackfillResult: plain(BackfillResult),
      ScheduleList: {
        type: 'object',
        required: ['schedules'],
        properties: { schedules: { type: 'array', items: ref('ScheduleView') } },
      },
    },
  };
}
