import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type Router from '@koa/router';
import { isTerminal, resultFile, type ArtifactRef } from '@wadm/contracts';
import { digestHex } from '@wadm/runtime';
import type { Context } from 'koa';
import { loadTask, type ApiServices } from '../api-services.js';
import { parseByteRange, sliceBytes } from '../byte-range.js';
import { HttpProblem, ProblemCode } from '../problem.js';

/** RFC 6266: a plain ASCII fallback plus the exact UTF-8 name. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * Streams an artifact as a download: its type and file name, its length, an ETag (the
 * SHA-256 of its bytes, from the object store's digest), and HTTP Range (206, or 416 past the
 * end) so a broken download resumes where it stopped. `If-None-Match` with the ETag gets a
 * 304; `If-Range` with another ETag gets the whole file.
 */
async function streamArtifact(ctx: Context, s: ApiServices, ref: ArtifactRef): Promise<void> {
  const store = await s.artifacts();
  const gone = () =>
    new HttpProblem(410, ProblemCode.ARTIFACT_GONE, `the result ${ref.name} has expired`);
  const info = await store.os.info(ref.name);
  if (!info || info.deleted) throw gone();
  const size = info.size;
  const etag = `"${digestHex(info.digest)}"`;
  ctx.set('ETag', etag);
  ctx.set('Accept-Ranges', 'bytes');
  ctx.set('Cache-Control', 'private, no-cache');
  if (info.mtime) ctx.set('Last-Modified', new Date(info.mtime).toUTCString());
  if (matchesEtag(ctx.get('if-none-match'), etag)) {
    ctx.status = 304;
    return;
  }
  const ifRange = ctx.get('if-range');
  const range = ifRange && ifRange !== etag ? null : parseByteRange(ctx.get('range'), size);
  if (range === 'unsatisfiable') {
    throw new HttpProblem(
      416,
      ProblemCode.RANGE_NOT_SATISFIABLE,
      `the range ${ctx.get('range')} is outside the ${size} bytes of ${ref.name}`,
      { headers: { 'Content-Range': `bytes */${size}` } },
    );
  }
  const object = await store.os.get(ref.name);
  if (!object) throw gone();
  ctx.type = ref.contentType;
  ctx.set(
    'Content-Disposition',
    contentDisposition(ref.fileName ?? ref.name.split('/').at(-1) ?? ref.name),
  );
  // Chunks flow from the object store to the socket as they arrive, never whole in memory.
  const whole = Readable.fromWeb(object.data as WebReadableStream<Uint8Array>);
  object.error
    .then((err) => {
      if (err) whole.destroy(err);
    })
    .catch((err: unknown) => whole.destroy(err instanceof Error ? err : new Error(String(err))));
  if (range) {
    // The skipped bytes still come from NATS (an object is read from its start), not the socket.
    ctx.status = 206;
    ctx.set('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    ctx.length = range.end - range.start + 1;
    ctx.body = Readable.from(sliceBytes(whole, range), { objectMode: false });
    return;
  }
  ctx.status = 200;
  ctx.length = size;
  ctx.body = whole;
}

/** `If-None-Match`: `*`, or a list of (possibly weak) ETags. */
function matchesEtag(header: string, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

export function resultRoutes(router: Router, s: ApiServices): void {
  router.get('/tasks/:id/result', async (ctx) => {
    const task = await loadTask(ctx, s, ctx.params['id'] ?? '');
    if (!isTerminal(task.status)) {
      throw new HttpProblem(
        409,
        ProblemCode.TASK_NOT_FINISHED,
        `task ${task.id} is ${task.status}; its result is not there yet`,
        { headers: { 'Retry-After': '1' }, extra: { task_status: task.status } },
      );
    }
    if (task.status !== 'SUCCESS') {
      throw new HttpProblem(
        409,
        ProblemCode.TASK_HAS_NO_RESULT,
        `task ${task.id} ended ${task.status}${task.error ? `: ${task.error.message}` : ''}`,
        { extra: { task_status: task.status, ...(task.error ? { error: task.error } : {}) } },
      );
    }
    // A file the task produced (an export, a report, or a result too large to keep inline).
    const file = resultFile(task);
    if (file) return streamArtifact(ctx, s, file);
    // Serialised here: Koa would answer a null or string body as 204 or text.
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(task.result ?? null);
  });
}
