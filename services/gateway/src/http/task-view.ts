import { resultFile, type TaskState } from '@wadm/contracts';
import type { TaskAccepted, TaskLinks, TaskView } from './schemas.js';

export const API_PREFIX = '/api/v1';

export function taskLinks(id: string): TaskLinks {
  const self = `${API_PREFIX}/tasks/${id}`;
  return { self, result: `${self}/result`, cancel: self, retry: `${self}/retry` };
}

export function acceptedView(state: TaskState, duplicate: boolean): TaskAccepted {
  return { task_id: state.id, status: state.status, duplicate, links: taskLinks(state.id) };
}

/**
 * A task as clients read it: snake_case like the WebSocket events, without the runtime's
 * bookkeeping (`seq`, `worker`, `deferrals`). Lists leave the result out.
 */
export function taskView(s: TaskState, opts: { withResult: boolean }): TaskView {
  const view: TaskView = {
    task_id: s.id,
    type: s.type,
    owner: s.owner,
    status: s.status,
    queue: s.queue,
    priority: s.priority,
    progress: s.progress,
    attempts: s.attempts,
    max_attempts: s.maxAttempts,
    params: s.params,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    links: taskLinks(s.id),
  };
  if (s.progressMessage !== undefined) view.progress_message = s.progressMessage;
  if (s.startedAt) view.started_at = s.startedAt;
  if (s.finishedAt) view.finished_at = s.finishedAt;
  if (s.notBefore) view.not_before = s.notBefore;
  if (s.nextRetryAt) view.next_retry_at = s.nextRetryAt;
  if (s.error) view.error = s.error;
  if (s.revokeRequested) view.revoke_requested = true;
  if (s.retryOf) view.retry_of = s.retryOf;
  if (s.idempotencyKey) view.idempotency_key = s.idempotencyKey;
  // The file the result route streams: a large result moved to ARTIFACTS, or an export's file.
  const file = s.status === 'SUCCESS' ? resultFile(s) : null;
  if (file) {
    view.artifact = { content_type: file.contentType, size: file.size };
    if (file.fileName) view.artifact.file_name = file.fileName;
  }
  if (!s.resultRef && opts.withResult && s.status === 'SUCCESS') {
    view.result = s.result ?? null;
  }
  return view;
}
