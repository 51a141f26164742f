import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type Router from '@koa/router';
import { isTerminal, type ArtifactRef } from '@wadm/contracts';
import type { Context } from 'koa';
import { loadTask, type ApiServices } from '../api-services.js';
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

async function streamArtifact(ctx: Context, s: ApiServices, ref: ArtifactRef): Promise<void> {
  const store = await s.artifacts();
  const object = await store.os.get(ref.name);
  if (!object) {
    throw new HttpProblem(410, ProblemCode.ARTIFACT_GONE, `the result ${ref.name} has expired`);
  }
  ctx.status = 200;
  ctx.type = ref.contentType;
  ctx.length = object.info.size;
  ctx.set(
    'Content-Disposition',
    contentDisposition(ref.fileName ?? ref.name.split('/').at(-1) ?? ref.name),
  );
  // Chunks flow from the object store to the socket as they arrive, never whole in memory.
  const body = Readable.fromWeb(object.data as WebReadableStream<Uint8Array>);
  object.error
    .then((err) => {
      if (err) body.destroy(err);
    })
    .catch((err: unknown) => body.destroy(err instanceof Error ? err : new Error(String(err))));
  ctx.body = body;
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
    if (task.resultRef) return streamArtifact(ctx, s, task.resultRef);
    // Serialised here: Koa would answer a null or string body as 204 or text.
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(task.result ?? null);
  });
}
