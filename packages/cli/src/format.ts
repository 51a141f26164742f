import type { TaskState } from '@wadm/contracts';

/** Results can be megabytes: the readable view shows a taste, `--json` shows everything. */
const MAX_INLINE_CHARS = 400;

/** Columns padded to the widest cell; the last column is not padded. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const render = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [render(headers), ...rows.map(render)].join('\n');
}

/** `2025-01-02T03:04:05.678Z` → `2025-01-02 03:04:05Z`: second precision reads better. */
export function shortTime(iso: string | undefined): string {
  if (!iso) return '-';
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export function percent(progress: number): string {
  return `${Math.round(progress * 100)}%`;
}

export function compactJson(value: unknown, max = MAX_INLINE_CHARS): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars, see --json)` : text;
}

export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function describeError(error: TaskState['error']): string {
  return error ? `${error.code}: ${error.message}` : '-';
}

/** A task as `key: value` lines, skipping what it does not have yet. */
export function stateDetails(s: TaskState): string {
  const rows: [string, string | undefined][] = [
    ['id', s.id],
    ['type', s.type],
    ['owner', s.owner],
    [
      'status',
      s.revokeRequested && s.status === 'STARTED' ? 'STARTED (revoke requested)' : s.status,
    ],
    ['progress', `${percent(s.progress)}${s.progressMessage ? ` ${s.progressMessage}` : ''}`],
    ['attempts', `${s.attempts}/${s.maxAttempts}`],
    ['queue', `${s.queue} (${s.priority})`],
    ['created', shortTime(s.createdAt)],
    ['not before', s.notBefore && shortTime(s.notBefore)],
    ['started', s.startedAt && shortTime(s.startedAt)],
    ['finished', s.finishedAt && shortTime(s.finishedAt)],
    ['next retry', s.nextRetryAt && shortTime(s.nextRetryAt)],
    ['worker', s.worker],
    ['error', s.error && describeError(s.error)],
    ['result', s.result !== undefined ? compactJson(s.result) : undefined],
    ['artifact', s.resultRef && `${s.resultRef.store}/${s.resultRef.name} (${s.resultRef.size} B)`],
  ];
  const shown = rows.filter((r): r is [string, string] => r[1] !== undefined);
  const width = Math.max(...shown.map(([k]) => k.length)) + 1;
  return shown.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}`).join('\n');
}

/** One line per state change, for `watch`. */
export function stateLine(s: TaskState): string {
  const parts = [shortTime(s.updatedAt), s.status, percent(s.progress)];
  if (s.progressMessage) parts.push(s.progressMessage);
  if (s.attempts > 0) parts.push(`attempt ${s.attempts}/${s.maxAttempts}`);
  if (s.status === 'RETRY' && s.nextRetryAt) parts.push(`next ${shortTime(s.nextRetryAt)}`);
  if (s.error && (s.status === 'RETRY' || s.status === 'FAILURE')) {
    parts.push(describeError(s.error));
  }
  if (s.status === 'SUCCESS' && s.result !== undefined) parts.push(compactJson(s.result, 120));
  return parts.join('  ');
}
