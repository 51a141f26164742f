import { ProblemCode as C } from '../problem.js';
import { BULK_MAX_ITEMS } from '../schemas.js';
import * as S from '../schemas.js';
import {
  idempotencyHeader,
  JSON_BODY_PROBLEMS,
  json,
  plain,
  problems,
  ref,
  type ApiArea,
} from './common.js';

export function bulkArea(): ApiArea {
  return {
    tags: [{ name: 'bulk', description: `Up to ${BULK_MAX_ITEMS} items per request` }],
    paths: {
      '/api/v1/tasks/bulk': {
        post: {
          operationId: 'submit_bulk',
          tags: ['bulk'],
          summary: 'Submit many tasks; valid items are accepted even when others are not',
          description:
            "Each item's own refusal (a problem, with the status it alone would have had) is " +
            'in `results[].error`; the request fails as a whole only for what the whole has.',
          parameters: [
            {
              ...idempotencyHeader,
              description: 'Item i without its own idempotencyKey uses `<key>#<i>`',
            },
          ],
          requestBody: { required: true, content: json(ref('BulkSubmitBody')) },
          responses: {
            '202': { description: 'All accepted', content: json(ref('BulkSubmitResult')) },
            '207': { description: 'Some refused', content: json(ref('BulkSubmitResult')) },
            ...problems(JSON_BODY_PROBLEMS, { 400: [C.VALIDATION_FAILED] }),
          },
        },
      },
      '/api/v1/tasks/bulk/cancel': {
        post: {
          operationId: 'cancel_bulk',
          tags: ['bulk'],
          summary: 'Cancel many tasks',
          requestBody: { required: true, content: json(ref('BulkCancelBody')) },
          responses: {
            '200': { description: 'All cancelled', content: json(ref('BulkCancelResult')) },
            '207': { description: 'Some refused', content: json(ref('BulkCancelResult')) },
            ...problems(JSON_BODY_PROBLEMS, { 400: [C.VALIDATION_FAILED] }),
          },
        },
      },
    },
    schemas: {
      BulkSubmitBody: plain(S.BulkSubmitBody),
      BulkSubmitResult: plain(S.BulkSubmitResult),
      BulkCancelBody: plain(S.BulkCancelBody),
      BulkCancelResult: plain(S.BulkCancelResult),
    },
  };
}
