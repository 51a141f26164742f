import { ProblemCode as C } from '../problem.js';
import * as S from '../schemas.js';
import { json, plain, problems, query, ref, type ApiArea } from './common.js';

/** Operators' routes: dead letters. */
export function adminArea(): ApiArea {
  return {
    tags: [{ name: 'admin', description: 'Operators: dead letters, candle imports' }],
    paths: {
      '/api/v1/dlq': {
        get: {
          operationId: 'list_dead_letters',
          tags: ['admin'],
          summary: 'Dead letters, oldest first (admin)',
          parameters: [
            query(
              'limit',
              { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
              'How many',
            ),
          ],
          responses: {
            '200': { description: 'Dead letters', content: json(ref('DeadLetterList')) },
            ...problems({ 400: [C.VALIDATION_FAILED], 403: [C.FORBIDDEN] }),
          },
        },
      },
      '/api/v1/dlq/{seq}/replay': {
        parameters: [
          {
            name: 'seq',
            in: 'path',
            required: true,
            description: 'The dead letter’s `seq`',
            schema: { type: 'integer', minimum: 1 },
          },
        ],
        post: {
          operationId: 'replay_dead_letter',
          tags: ['admin'],
          summary: 'Put a dead task back to work (admin)',
          responses: {
            '200': { description: 'The task, PENDING again', content: json(ref('TaskView')) },
            ...problems({
              403: [C.FORBIDDEN],
              404: [C.DEAD_LETTER_NOT_FOUND],
              409: [C.NOT_REPLAYABLE],
            }),
          },
        },
      },
    },
    schemas: { DeadLetterList: plain(S.DeadLetterList) },
  };
}
