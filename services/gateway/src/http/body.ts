import type { Context } from 'koa';
import { jsonLimitExceeded, MAX_JSON_DEPTH, MAX_JSON_MEMBERS } from './json-limits.js';
import { HttpProblem, ProblemCode } from './problem.js';

const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json$/;

/** What a body reader accepts: media types, and how a 415 names them. */
interface Accepted {
  matches(mediaType: string): boolean;
  /** As `Accept-Post` and the 415's detail say it, e.g. `application/json`. */
  name: string;
}

const JSON_BODY: Accepted = { matches: (t) => JSON_TYPE.test(t), name: 'application/json' };

/** `accepted`'s media type in UTF-8 (the only charset JSON has, RFC 8259; and ours for text). */
function checkContentType(ctx: Context, accepted: Accepted): void {
  const header = ctx.get('content-type');
  const [mediaType = '', ...params] = header.split(';').map((p) => p.trim().toLowerCase());
  if (!accepted.matches(mediaType)) {
    throw new HttpProblem(
      415,
      ProblemCode.UNSUPPORTED_MEDIA_TYPE,
      header
        ? `content type ${mediaType} is not ${accepted.name}`
        : `send Content-Type: ${accepted.name}`,
      { headers: { 'Accept-Post': accepted.name } },
    );
  }
  const charset = params
    .find((p) => p.startsWith('charset='))
    ?.slice(8)
    .replaceAll('"', '');
  if (charset && charset !== 'utf-8' && charset !== 'utf8') {
    throw new HttpProblem(415, ProblemCode.UNSUPPORTED_MEDIA_TYPE, `charset ${charset}: use utf-8`);
  }
  const encoding = ctx.get('content-encoding').trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    throw new HttpProblem(
      415,
      ProblemCode.UNSUPPORTED_MEDIA_TYPE,
      `content encoding ${encoding} is not supported`,
      { headers: { 'Accept-Encoding': 'identity' } },
    );
  }
}

function tooLarge(maxBytes: number): HttpProblem {
  // The rest of the body is not read: close the connection instead of draining it.
  return new HttpProblem(413, ProblemCode.PAYLOAD_TOO_LARGE, `body over ${maxBytes} bytes`, {
    headers: { Connection: 'close' },
  });
}

function readRaw(ctx: Context, maxBytes: number): Promise<Buffer> {
  const declared = ctx.request.length;
  if (declared !== undefined && declared > maxBytes) return Promise.reject(tooLarge(maxBytes));
  const req = ctx.req;
  // Plain events rather than `for await`: this runs on every submission, and the async
  // iterator's promise per chunk shows in the profile.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      req.off('close', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        // Stop buffering; the rest is discarded, and the 413 closes the connection.
        req.resume();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const incomplete = (cause?: unknown): void => {
      cleanup();
      // The client went away or broke the framing mid-body; nobody may be left to read this.
      reject(
        new HttpProblem(400, ProblemCode.BODY_INCOMPLETE, 'request body ended early', {
          headers: { Connection: 'close' },
          cause,
        }),
      );
    };
    const onError = (err: Error): void => incomplete(err);
    const onAborted = (): void => incomplete();
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
    // Closed before 'end' (after 'end' this listener is gone already).
    req.on('close', onAborted);
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads and parses a JSON request body: 415 for anything but JSON, 413 past `maxBytes` (before
 * reading when Content-Length says so), 400 for bytes that are not UTF-8 JSON.
 */
export async function readJson(ctx: Context, maxBytes: number): Promise<unknown> {
  checkContentType(ctx, JSON_BODY);
  const raw = await readRaw(ctx, maxBytes);
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new HttpProblem(400, ProblemCode.MALFORMED_JSON, 'body is not valid UTF-8');
  }
  if (text.trim() === '') {
    throw new HttpProblem(400, ProblemCode.MALFORMED_JSON, 'body is empty; send a JSON object');
  }
  const exceeded = jsonLimitExceeded(raw);
  if (exceeded === 'depth') {
    throw new HttpProblem(
      400,
      ProblemCode.JSON_TOO_DEEP,
      `JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
    );
  }
  if (exceeded === 'members') {
    throw new HttpProblem(
      413,
      ProblemCode.PAYLOAD_TOO_LARGE,
      `JSON body has more than ${MAX_JSON_MEMBERS} object members`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : 'not JSON';
    throw new HttpProblem(400, ProblemCode.MALFORMED_JSON, `body is not valid JSON: ${why}`);
  }
  return value;
}

/**
 * Reads a UTF-8 text body of one media type (`text/csv`): 415 for any other type, 413 past
 * `maxBytes`, 400 for bytes that are not UTF-8.
 */
export async function readText(ctx: Context, maxBytes: number, mediaType: string): Promise<string> {
  checkContentType(ctx, { matches: (t) => t === mediaType, name: mediaType });
  const raw = await readRaw(ctx, maxBytes);
  try {
    return utf8.decode(raw);
  } catch {
    throw new HttpProblem(400, ProblemCode.MALFORMED_REQUEST, 'body is not valid UTF-8');
  }
}
