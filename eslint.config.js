import { existsSync, readdirSync, readFileSync } from 'node:fs';
import tseslint from 'typescript-eslint';

/**
 * STYLE.md rule 1, enforced: dependencies point inward. Services never import each other,
 * packages never import services, and nothing reaches into another workspace package's files
 * instead of importing its public entry (`@wadm/<name>`, or a subpath its `exports` names).
 */
const workspaceDirs = (parent) =>
  readdirSync(new URL(`./${parent}/`, import.meta.url), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => new URL(`./${parent}/${d.name}/package.json`, import.meta.url))
    .filter((manifest) => existsSync(manifest));
const serviceNames = workspaceDirs('services').map(
  (manifest) => JSON.parse(readFileSync(manifest, 'utf8')).name,
);

const LINTED = '*.{ts,js,mjs,cjs}';
const noServiceImports = {
  group: serviceNames.flatMap((name) => [name, `${name}/**`]),
  message:
    'Services never import each other and packages never import services (STYLE.md rule 1): move shared code into a package under packages/.',
};
const noDeepImports = {
  group: ['@wadm/*/src', '@wadm/*/src/**', '@wadm/*/dist', '@wadm/*/dist/**'],
  message:
    "Import a workspace package through its public entry ('@wadm/<name>'), never its src/ or dist/ files (STYLE.md rule 1).",
};
/**
 * Inside packages/<name>/ and services/<name>/ a relative import must stay in its own package:
 * one more `../` than the file is deep leaves it. Relative paths are matched as written, not
 * resolved, so each depth gets its own block (none of these blocks overlap).
 */
const MAX_DEPTH = 12;
const insideUnits = Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => ({
  files: [`{packages,services}/*/${'*/'.repeat(depth)}${LINTED}`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          noServiceImports,
          noDeepImports,
          {
            regex: `^(\\./)?(\\.\\./){${depth + 1}}`,
            message:
              "A relative import must stay inside its own package: import another workspace package by its name ('@wadm/<name>') (STYLE.md rule 1).",
          },
        ],
      },
    ],
  },
}));
/** Root-level code (scripts, benchmarks, end-to-end tests) may start services, not reach into src/. */
const atRoot = {
  files: [`**/${LINTED}`],
  ignores: ['packages/**', 'services/**'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          noDeepImports,
          {
            regex: '^(\\./)?(\\.\\./)*(packages|services)/[^/]+/src(/|$)',
            message:
              "Import a workspace package through its public entry ('@wadm/<name>'), never its src/ files (STYLE.md rule 1).",
          },
        ],
      },
    ],
  },
};

export default tseslint.config(
  // src/generated: written by openapi-typescript from /openapi.json, checked by a test instead.
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.wadm/**',
      'bench/results/**',
      'packages/api-client/src/generated/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { project: './tsconfig.eslint.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  ...insideUnits,
  atRoot,
);
