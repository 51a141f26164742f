// The image as the Dockerfile describes it (no Docker engine here to build it): a pinned base,
// a non-root user, tini as PID 1, a HEALTHCHECK; and every entry point that Compose and
// Kubernetes run in it is a file the build produces.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dockerfile = readFileSync(`${ROOT}Dockerfile`, 'utf8');

describe('the Dockerfile', () => {
  it('image - base pinned by digest, non-root, tini as PID 1, a HEALTHCHECK', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim@sha256:[0-9a-f]{64}$/m);
    const froms = dockerfile.match(/^FROM .+$/gm) ?? [];
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from).toMatch(/^FROM \$\{NODE_IMAGE\} AS \w+$/);
    // The last stage is the one that runs.
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--", "node"\]$/m);
    expect(runtime).toMatch(
      /^HEALTHCHECK .*\n\s+CMD \["node", "\/app\/deploy\/healthcheck\.mjs"\]/m,
    );
    expect(dockerfile).toMatch(/pnpm install --offline --frozen-lockfile --prod/);
  });

  it('image - the build context leaves out local state and secrets', () => {
    const ignored = readFileSync(`${ROOT}.dockerignore`, 'utf8').split('\n');
    for (const entry of ['.wadm', '.env', '**/node_modules', '.git']) {
      expect(ignored).toContain(entry);
    }
  });

  it('image - every command Compose and Kubernetes run is a file of the build', () => {
    const entries = new Set<string>();
    const compose = parse(readFileSync(`${ROOT}deploy/compose.yaml`, 'utf8'));
    for (const service of Object.values<{ command?: string[]; image?: string }>(compose.services)) {
      if (service.image?.startsWith('wadm:') && service.command) entries.add(service.command[0]!);
    }
    const rendered = spawnSync('kubectl', ['kustomize', `${ROOT}deploy/k8s/overlays/prod`], {
      encoding: 'utf8',
    });
    if (rendered.status === 0) {
      for (const doc of parseAllDocuments(rendered.stdout)) {
        const obj = doc.toJS();
        const spec = obj?.spec?.template?.spec;
        for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
          if (c.args) entries.add(c.args[0]);
        }
      }
    }
    expect(entries.size).toBeGreaterThan(5);
    for (const entry of entries) {
      // dist/ files exist once `pnpm run build` ran (the image's build stage runs it too).
      expect(existsSync(`${ROOT}${entry}`), entry).toBe(true);
      if (entry.startsWith('deploy/')) expect(dockerfile, entry).toContain(entry);
    }
  });
});
