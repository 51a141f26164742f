import type Router from '@koa/router';
import { ErrorCode, STREAMS } from '@wadm/contracts';
import { TaskRequestError, type StoredDeadLetter } from '@wadm/runtime';
import { intQuery, type ApiServices } from '../api-services.js';
import { requireAdmin } from '../auth.js';
import { HttpProblem, ProblemCode } from '../problem.js';
import type { DeadLetterList, DeadLetterView } from '../schemas.js';
import { taskView } from '../task-view.js';

function deadLetterView({ seq, letter }: StoredDeadLetter): DeadLetterView {
  return {
    seq,
    task_id: letter.taskId,
    owner: letter.owner,
    type: letter.type,
    subject: letter.subject,
    error: letter.error,
    attempts: letter.attempts,
    failed_at: letter.failedAt,
    worker: letter.worker,
    command: letter.command,
  };
}

/** Dead letters are everyone's failed tasks: operators (admins) only. */
export function dlqRoutes(router: Router, s: ApiServices): void {
  router.get('/dlq', requireAdmin, async (ctx) => {
    const limit = intQuery(ctx, 'limit', { min: 1, max: 1000, fallback: 100 });
    // DeadLetterAdmin.list asks an empty stream for message #0, which JetStream refuses.
    const { state } = await (await s.jsm()).streams.info(STREAMS.dlq);
    const letters = state.messages === 0 ? [] : await (await s.deadLetters()).list(limit);
    const body: DeadLetterList = { dead_letters: letters.map(deadLetterView) };
    ctx.body = body;
  });

  router.post('/dlq/:seq/replay', requireAdmin, async (ctx) => {
    const raw = ctx.params['seq'] ?? '';
    const seq = Number(raw);
    if (!/^\d{1,15}$/.test(raw) || seq < 1) {
      throw new HttpProblem(404, ProblemCode.DEAD_LETTER_NOT_FOUND, `no dead letter #${raw}`);
    }
    try {
      const state = await (await s.deadLetters()).replay(seq);
      ctx.body = taskView(state, { withResult: false });
    } catch (err) {
      if (!(err instanceof TaskRequestError)) throw err;
      // Replay refusals carry the dead task's own codes (a VALIDATION_FAILED command, say):
      // for this request they all mean "not in a state to replay".
      if (err.code === ErrorCode.TASK_NOT_FOUND) {
        throw new HttpProblem(404, ProblemCode.DEAD_LETTER_NOT_FOUND, err.message);
      }
      throw new HttpProblem(409, ProblemCode.NOT_REPLAYABLE, err.message, {
        extra: { reason: err.code },
      });
    }
  });
}
