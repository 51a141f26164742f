import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, startHarness, type Harness } from './harness.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const REDOCLY = join(ROOT, 'node_modules/.bin/redocly');

let h: Harness;
let port: number;
let dir: string;

beforeAll(async () => {
  h = await startHarness();
  ({ port } = await h.startApp());
  dir = await mkdtemp(join(tmpdir(), 'wadm-openapi-'));
});
afterAll(async () => {
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: {
    ruleId: string;
    severity: string;
    message: string;
    location: { pointer: string }[];
  }[];
}

/** `redocly lint` with the repository's redocly.yaml on a document, as its JSON report. */
async function lint(name: string, doc: string): Promise<LintReport> {
  const file = join(dir, name);
  await writeFile(file, doc);
  // Offline: no telemetry, no update check. Exit code 1 means errors: read the report.
  const run = await promisify(execFile)(
    REDOCLY,
    ['lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format=json'],
    {
      cwd: ROOT,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    },
  ).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
  return JSON.parse(run.stdout) as LintReport;
}

describe('OpenAPI lint', () => {
  it('openapi.json - passes redocly lint (recommended rules, redocly.yaml) with no problem', async () => {
    const { text } = await send(port, 'GET', '/openapi.json');
    const report = await lint('openapi.json', text);
    const listed = report.problems.map(
      (p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`,
    );
    expect(listed).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('lint - finds what the document had before 2020-12: a tuple as items: [...]', async () => {
    const { json } = await send(port, 'GET', '/openapi.json');
    json.components.schemas.Health.properties.pair = {
      type: 'array',
      items: [{ type: 'string' }, { type: 'number' }],
    };
    const report = await lint('old-tuple.json', JSON.stringify(json));
    expect(report.totals.errors).toBe(1);
    expect(report.problems[0]).toMatchObject({
      ruleId: 'struct',
      location: [{ pointer: '#/components/schemas/Health/properties/pair/items' }],
    });
  });
});
