import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { CandleExportResult } from '@wadm/contracts';
import { generateCandles, ObjectCandleStore } from '@wadm/market-data';
import { ManagedProcess } from '@wadm/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, startHarness, token, uniqueUser, type Harness } from './harness.js';

/** The exports service as it runs in production: the worker behind these downloads. */
const EXPORTS_MAIN = fileURLToPath(new URL('../../../exports/dist/main.js', import.meta.url));

interface Download {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A GET whose body is kept as bytes: parts of a file are cut at any byte. */
function download(
  port: number,
  path: string,
  bearer: string,
  headers: Record<string, string> = {},
): Promise<Download> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        headers: { authorization: `Bearer ${bearer}`, ...headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('downloads', () => {
  let h: Harness;
  let port: number;
  let exportsService: ManagedProcess;
  let owner: string;
  let ownerToken: string;
  let taskId: string;
  let result: CandleExportResult;

  beforeAll(async () => {
    h = await startHarness();
    const store = await ObjectCandleStore.open(h.nc);
    const { candles } = generateCandles({
      seed: 7,
      start: Date.UTC(2024, 0, 1),
      bars: 4_000,
      timeframe: '1h',
      startPrice: 30_000,
    });
    await store.putCandles('DLUSDT', '1h', candles);
    exportsService = await ManagedProcess.start({
      command: process.execPath,
      args: [EXPORTS_MAIN],
      env: { NATS_URL: h.server.url, WADM_HEALTH_PORT: '0', WADM_ACK_WAIT_MS: '5000' },
      readyWhen: /exports service ready/,
    });
    ({ port } = await h.startApp());
    owner = uniqueUser('dl');
    ownerToken = await token(owner);
    const submitted = await send(port, 'POST', '/api/v1/tasks', {
      token: ownerToken,
      body: {
        type: 'exports.candles',
        params: { symbol: 'DLUSDT', timeframe: '1h', format: 'xlsx' },
      },
    });
    expect(submitted.status).toBe(202);
    taskId = submitted.json.task_id;
    const done = await h.client.waitFor(owner, taskId, { timeoutMs: 45_000 });
    expect(done.status, JSON.stringify(done.error)).toBe('SUCCESS');
    result = done.result as CandleExportResult;
  }, 90_000);

  afterAll(async () => {
    await exportsService?.stop();
    await h?.close();
  });

  const path = () => `/api/v1/tasks/${taskId}/result`;

  it('download - an export streams with its type, file name, length and SHA-256 ETag', async () => {
    const view = await send(port, 'GET', `/api/v1/tasks/${taskId}`, { token: ownerToken });
    expect(view.json.artifact).toEqual({
      content_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      size: result.bytes,
      file_name: 'DLUSDT-1h-2024-01-01-2024-06-15.xlsx',
    });
    expect(view.json.result).toMatchObject({ format: 'xlsx', rows: 4_000, sha256: result.sha256 });

    const res = await download(port, path(), ownerToken);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(res.headers['content-disposition']).toContain(
      'filename="DLUSDT-1h-2024-01-01-2024-06-15.xlsx"',
    );
    expect(Number(res.headers['content-length'])).toBe(result.bytes);
    expect(res.headers['etag']).toBe(`"${result.sha256}"`);
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.body.length).toBe(result.bytes);
    expect(sha256(res.body)).toBe(result.sha256);
  });

  it('download - a broken download resumes with Range to the same SHA-256', async () => {
    const cut = Math.floor(result.bytes / 3);
    const first = await download(port, path(), ownerToken, { range: `bytes=0-${cut - 1}` });
    expect(first.status).toBe(206);
    expect(first.headers['content-range']).toBe(`bytes 0-${cut - 1}/${result.bytes}`);
    expect(Number(first.headers['content-length'])).toBe(cut);
    expect(first.body.length).toBe(cut);
    const rest = await download(port, path(), ownerToken, {
      range: `bytes=${cut}-`,
      'if-range': first.headers['etag'] as string,
    });
    expect(rest.status).toBe(206);
    expect(rest.headers['content-range']).toBe(`bytes ${cut}-${result.bytes - 1}/${result.bytes}`);
    expect(sha256(Buffer.concat([first.body, rest.body]))).toBe(result.sha256);

    const tail = await download(port, path(), ownerToken, { range: 'bytes=-100' });
    expect(tail.status).toBe(206);
    expect(tail.body.equals(rest.body.subarray(rest.body.length - 100))).toBe(true);
  });

  it('download - past the end is a 416 naming the size; a stale If-Range gets the whole file', async () => {
    const past = await download(port, path(), ownerToken, { range: `bytes=${result.bytes}-` });
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${result.bytes}`);
    expect(JSON.parse(past.body.toString()).code).toBe('RANGE_NOT_SATISFIABLE');

    const stale = await download(port, path(), ownerToken, {
      range: 'bytes=0-9',
      'if-range': '"0000"',
    });
    expect(stale.status).toBe(200);
    expect(stale.body.length).toBe(result.bytes);

    const cached = await download(port, path(), ownerToken, {
      'if-none-match': `"${result.sha256}"`,
    });
    expect(cached.status).toBe(304);
    expect(cached.body.length).toBe(0);
  });

  it("download - another user's download is the same 404 as a missing task; an admin's works", async () => {
    const stranger = await token(uniqueUser('other'));
    const theirs = await download(port, path(), stranger, { range: 'bytes=0-9' });
    const missing = await download(port, '/api/v1/tasks/no-such-task/result', stranger);
    expect(theirs.status).toBe(404);
    expect(missing.status).toBe(404);
    // The same problem word for word, but for the id it names.
    const problem = (d: Download, id: string) =>
      d.body
        .toString()
        .replaceAll(id, '<id>')
        .replace(/"instance":"[^"]*"/, '');
    expect(problem(theirs, taskId)).toBe(problem(missing, 'no-such-task'));
    expect(theirs.headers['etag']).toBeUndefined();

    const admin = await download(port, path(), await token(uniqueUser('admin'), true));
    expect(admin.status).toBe(200);
    expect(sha256(admin.body)).toBe(result.sha256);
  });
});
