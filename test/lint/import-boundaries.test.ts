// STYLE.md rule 1 is a lint rule (eslint.config.js): these snippets go through the repository's
// own ESLint configuration, as if they were files at the given paths.
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// The snippets are not files on disk, so not in tsconfig.eslint.json's program: parse without
// type information and run only the rule under test.
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: { languageOptions: { parserOptions: { project: null } } },
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
});

/**
 * The lines of `code` that the boundary rule reports, as if it were the file at `filePath`; once
 * each, though an import may break two patterns (`@wadm/backtest/src/…` is both a service and
 * another package's internals).
 */
async function reported(filePath: string, code: string): Promise<number[]> {
  const [result] = await eslint.lintText(code, { filePath });
  const messages = result?.messages ?? [];
  expect(messages.filter((m) => m.fatal)).toEqual([]);
  const lines = messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.line);
  return [...new Set(lines)];
}

describe('import boundaries', () => {
  it.each([
    ['services/gateway/src/x.ts', "import { run } from '@wadm/backtest';"],
    ['services/gateway/src/x.ts', "import type { Env } from '@wadm/reports/dist/env.js';"],
    ['services/backtest/test/x.test.ts', "export * from '@wadm/exports';"],
    ['services/reports/src/x.ts', "import '@wadm/gateway';"],
  ])('service to service - %s: `%s` is an error', async (file, code) => {
    expect(await reported(file, code)).toEqual([1]);
  });

  it.each([
    ['services/gateway/src/http/x.ts', "import { run } from '../../../backtest/src/main.js';"],
    ['services/gateway/src/x.ts', "import { run } from '../../../services/backtest/src/main.js';"],
    ['services/gateway/test/http/x.ts', "import '../../../backtest/dist/main.js';"],
    ['services/exports/src/a/b/c.ts', "export { x } from '../../../../reports/src/x.js';"],
  ])('service to service by path - %s: `%s` is an error', async (file, code) => {
    expect(await reported(file, code)).toEqual([1]);
  });

  it.each([
    ['packages/runtime/src/x.ts', "import type { GatewayDeps } from '@wadm/gateway';"],
    ['packages/testkit/test/x.test.ts', "import { loadEnv } from '@wadm/backtest/src/env.js';"],
    ['packages/market-data/src/x.ts', "import '../../../services/backtest/src/market.js';"],
  ])('package to service - %s: `%s` is an error', async (file, code) => {
    expect(await reported(file, code)).toEqual([1]);
  });

  it.each([
    ['services/gateway/src/x.ts', "import { Worker } from '@wadm/runtime/src/worker/worker.js';"],
    ['services/gateway/src/x.ts', "import { subjects } from '@wadm/contracts/dist/subjects.js';"],
    ['services/reports/src/x.ts', "import { rsi } from '@wadm/analysis/src/indicators/rsi.js';"],
    [
      'services/backtest/src/engine/x.ts',
      "import { sma } from '../../../../packages/analysis/src/index.js';",
    ],
    ['services/gateway/src/x.ts', "import { x } from '../../../packages/runtime/src/index.js';"],
    ['packages/runtime/src/x.ts', "import { subjects } from '../../contracts/src/subjects.js';"],
    ['packages/runtime/test/fixtures/x.mjs', "import '../../../testkit/src/index.js';"],
    ['scripts/x.ts', "import { provision } from '../packages/runtime/src/provision.js';"],
    ['test/e2e/x.test.ts', "import { loadEnv } from '../../services/gateway/src/env.js';"],
    ['test/e2e/x.test.ts', "import { Worker } from '@wadm/runtime/src/worker/worker.js';"],
  ])("another package's internals - %s: `%s` is an error", async (file, code) => {
    expect(await reported(file, code)).toEqual([1]);
  });

  it('a file - every offending import is reported on its own line', async () => {
    const code = [
      "import { TaskClient } from '@wadm/runtime';",
      "import { run } from '@wadm/backtest';",
      "import { loadEnv } from './env.js';",
      "import { Worker } from '@wadm/runtime/src/worker/worker.js';",
    ].join('\n');
    expect(await reported('services/gateway/src/x.ts', code)).toEqual([2, 4]);
  });

  it.each([
    [
      'services/gateway/src/http/x.ts',
      [
        "import { TaskClient } from '@wadm/runtime';",
        "import { subjects, type Queue } from '@wadm/contracts';",
        "import { createVerifier } from '@wadm/auth';",
        "import { openCandleStore } from '@wadm/market-data';",
        "import type { GatewayDeps } from '../deps.js';",
        "import { startHttp } from './server.js';",
        "import { connect } from '@nats-io/transport-node';",
        "import { readFile } from 'node:fs/promises';",
      ],
    ],
    [
      'services/gateway/test/http/x.ts',
      [
        "import { NatsServer } from '@wadm/testkit';",
        "import { loadEnv } from '../../src/env.js';",
        "import '@wadm/runtime/echo-worker';",
      ],
    ],
    [
      'packages/analysis/src/indicators/x.test.ts',
      ["import { talibColumn } from '../../test/talib.js';"],
    ],
    [
      'services/backtest/src/engine/x.test.ts',
      [
        "import { rsi, analyzeHistory } from '@wadm/analysis';",
        "import { candlesOf } from '@wadm/analysis/testing';",
      ],
    ],
    ['services/reports/src/report/x.ts', ["import { atr, macd, sma } from '@wadm/analysis';"]],
    ['packages/runtime/test/x.test.ts', ["import { provision } from '../src/index.js';"]],
    ['packages/runtime/src/bin/x.ts', ["import { serviceMain } from '../index.js';"]],
    [
      'test/e2e/x.test.ts',
      ["import { NatsServer } from '@wadm/testkit';", "import { signDevToken } from '@wadm/auth';"],
    ],
  ])('legal imports - %s passes', async (file, lines) => {
    expect(await reported(file, lines.join('\n'))).toEqual([]);
  });
});
