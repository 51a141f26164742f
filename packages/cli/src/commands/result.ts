import { createWriteStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { defineCommand } from '../command.js';
import { ExitCode, FailureError } from '../errors.js';
import { call, problemFailure, restClient, restOptions } from '../rest.js';
import { checkId } from './task-options.js';

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** RFC 6266: the UTF-8 `filename*` when there is one, else `filename`; never a path. */
function fileNameOf(disposition: string | null): string | undefined {
  if (!disposition) return undefined;
  const extended = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  const plain = /filename="([^"]*)"/i.exec(disposition)?.[1];
  const name = extended ? decodeURIComponent(extended) : plain;
  return name ? basename(name) : undefined;
}

export const resultCommand = defineCommand({
  name: 'result',
  summary: "A finished task's result, from the gateway: JSON printed, a file saved (resumable)",
  positionals: [{ name: 'id', description: 'Task id, as printed by "wadm submit"' }],
  options: {
    output: {
      type: 'string',
      short: 'o',
      valueName: 'FILE',
      description:
        'Save here (default: a file result under its own name, JSON on stdout); a partial file is resumed where it stops',
    },
    ...restOptions,
  },
  examples: [
    'wadm result 01J9…',
    'wadm result 01J9… -o candles.xlsx',
    'WADM_TOKEN=$(wadm token --user alice) wadm result 01J9… --api http://gateway:8000',
  ],
  async run(ctx, { values, positionals }) {
    const id = checkId(positionals[0] as string, 'result');
    const rest = await restClient(values, 'result');
    const have = values.output ? sizeOf(values.output) : 0;
    const { data, error, response } = await call(rest, () =>
      rest.api.GET('/api/v1/tasks/{task_id}/result', {
        params: {
          path: { task_id: id },
          header: have > 0 ? { Range: `bytes=${have}-` } : {},
        },
        parseAs: 'stream',
      }),
    );
    // 416 on a resume: the file already holds every byte (Content-Range: bytes */<size>).
    const total = Number(/\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1]);
    if (response.status === 416 && values.output && total === have) {
      return report(ctx, { file: values.output, bytes: have, resumed_from: have });
    }
    if (error !== undefined || !data) throw problemFailure(error, response.status);
    const attachment = fileNameOf(response.headers.get('content-disposition'));
    const body = Readable.fromWeb(data as WebReadableStream<Uint8Array>);
    const file = values.output ?? attachment;
    if (file === undefined) {
      // An inline JSON result: printed as it is.
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      ctx.out.line(Buffer.concat(chunks).toString('utf8'));
      return ExitCode.OK;
    }
    const resumed = response.status === 206;
    await pipeline(body, createWriteStream(file, { flags: resumed ? 'a' : 'w' }));
    const bytes = sizeOf(file);
    const expected = Number(response.headers.get('content-length')) + (resumed ? have : 0);
    if (Number.isFinite(expected) && bytes !== expected) {
      throw new FailureError(
        'DOWNLOAD_INCOMPLETE',
        `${file}: ${bytes} of ${expected} bytes; run again to resume`,
      );
    }
    return report(ctx, { file, bytes, resumed_from: resumed ? have : 0 });
  },
});

function report(
  ctx: { json: boolean; out: { json(v: unknown): void; line(t: string): void } },
  saved: { file: string; bytes: number; resumed_from: number },
): number {
  if (ctx.json) ctx.out.json(saved);
  else {
    const resumed = saved.resumed_from > 0 ? `, resumed at byte ${saved.resumed_from}` : '';
    ctx.out.line(`saved ${saved.file} (${saved.bytes} bytes${resumed})`);
  }
  return ExitCode.OK;
}
