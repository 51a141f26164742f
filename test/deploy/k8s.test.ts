// deploy/k8s rendered as `kubectl apply -k` would apply it: every object validates against its
// schema (kubernetes-models, @kubernetes-models/keda) and keeps the rules the deployment relies
// on. Skipped, with a notice, where kubectl (and its built-in kustomize) is not installed.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PRIORITIES, QUEUES, STREAMS } from '@wadm/contracts';
import { taskConsumerConfig, WORKER_QUEUES, type WorkerRole } from '@wadm/runtime';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { authValues } from '../../deploy/nats/generate.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const K8S = `${ROOT}deploy/k8s`;
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!kubectl) {
  console.warn('test/deploy/k8s.test.ts: kubectl not found, the kustomize renders are SKIPPED');
}

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are read as plain data */
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string }; [k: string]: any };

function render(overlay: string): K8sObject[] {
  const out = spawnSync('kubectl', ['kustomize', `${K8S}/overlays/${overlay}`], {
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(`kubectl kustomize ${overlay}: ${out.stderr}`);
  return parseAllDocuments(out.stdout).map((d) => d.toJS() as K8sObject);
}

/** The model class of an object: `kubernetes-models/<group>/<version>` or KEDA's package. */
async function modelOf(obj: K8sObject): Promise<new (data: unknown) => { validate(): void }> {
  const path = obj.apiVersion.startsWith('keda.sh/')
    ? `@kubernetes-models/keda/${obj.apiVersion}`
    : `kubernetes-models/${obj.apiVersion}`;
  const module: Record<string, unknown> = await import(/* @vite-ignore */ path);
  const model = module[obj.kind];
  if (typeof model !== 'function') throw new Error(`no model for ${obj.apiVersion} ${obj.kind}`);
  return model as new (data: unknown) => { validate(): void };
}

const of = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const podSpecs = (objects: K8sObject[]) =>
  [...of(objects, 'Deployment'), ...of(objects, 'Job')].map((o) => ({
    name: `${o.kind}/${o.metadata.name}`,
    spec: o.spec.template.spec,
  }));

/** Every consumer the provisioning code creates, by the code itself. */
const PROVISIONED = new Set(
  QUEUES.flatMap((q) => PRIORITIES.map((p) => taskConsumerConfig(q, p, {}).durable_name)),
);

describe.skipIf(!kubectl).each(['dev', 'prod'])('deploy/k8s overlay %s', (overlay) => {
  const objects = kubectl ? render(overlay) : [];

  it(`k8s ${overlay} - every object validates against its schema`, async () => {
    expect(objects.length).toBeGreaterThan(20);
    for (const obj of objects) {
      const Model = await modelOf(obj);
      expect(() => new Model(obj).validate(), `${obj.kind}/${obj.metadata.name}`).not.toThrow();
    }
  });

  it(`k8s ${overlay} - images are pinned, containers have limits and probes`, () => {
    for (const { name, spec } of podSpecs(objects)) {
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        const where = `${name} ${c.name}`;
        expect(c.image, where).toMatch(/(:[\w.-]+|@sha256:[0-9a-f]{64})$/);
        expect(c.image, where).not.toMatch(/:latest$/);
        expect(c.resources?.limits?.cpu, where).toBeDefined();
        expect(c.resources?.limits?.memory, where).toBeDefined();
        expect(c.securityContext?.allowPrivilegeEscalation, where).toBe(false);
      }
      expect(spec.securityContext?.runAsNonRoot, name).toBe(true);
    }
    for (const d of of(objects, 'Deployment')) {
      const [c] = d.spec.template.spec.containers;
      expect(c.livenessProbe?.httpGet?.path, d.metadata.name).toBe('/healthz');
      expect(c.readinessProbe?.httpGet?.path, d.metadata.name).toBe('/readyz');
      expect(c.lifecycle?.preStop, d.metadata.name).toBeDefined();
      expect(
        d.spec.template.spec.topologySpreadConstraints?.length,
        d.metadata.name,
      ).toBeGreaterThan(0);
    }
  });

  it(`k8s ${overlay} - each grace period outlasts WADM_GRACE_MS`, () => {
    const config = of(objects, 'ConfigMap').find((c) => c.metadata.name === 'wadm-config');
    expect(config?.data.WADM_PROVISION, 'services never provision').toBe('0');
    for (const d of of(objects, 'Deployment')) {
      const spec = d.spec.template.spec;
      const own = spec.containers[0].env?.find((e: any) => e.name === 'WADM_GRACE_MS')?.value;
      const graceMs = Number(own ?? config?.data.WADM_GRACE_MS);
      expect(graceMs, d.metadata.name).toBeGreaterThan(0);
      expect(spec.terminationGracePeriodSeconds * 1000, d.metadata.name).toBeGreaterThan(graceMs);
      if (!(d.metadata.name in WORKER_QUEUES)) continue;
      // A worker: the preStop, then its tasks' grace, then handing back and draining (10 s,
      // CLOSE_ALLOWANCE_MS in run-worker-service.ts) must all fit before the SIGKILL.
      const preStopMs = Number(spec.containers[0].lifecycle.preStop.exec.command[1]) * 1000;
      expect(spec.terminationGracePeriodSeconds * 1000, d.metadata.name).toBeGreaterThanOrEqual(
        preStopMs + graceMs + 10_000,
      );
    }
  });

  it(`k8s ${overlay} - secrets come from Secrets, never from a literal`, () => {
    expect(of(objects, 'Secret')).toEqual([]);
    for (const { name, spec } of podSpecs(objects)) {
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        for (const e of c.env ?? []) {
          if (/PASSWORD|SECRET|SMTP_URL|MONGODB_URL|JWKS/.test(e.name)) {
            expect(e.valueFrom?.secretKeyRef, `${name} ${e.name}`).toBeDefined();
          }
        }
      }
    }
  });

  it(`k8s ${overlay} - each worker scales on its own provisioned consumers, the gateway on CPU`, () => {
    const scaled = of(objects, 'ScaledObject');
    expect(scaled.map((s) => s.metadata.name).sort()).toEqual(Object.keys(WORKER_QUEUES).sort());
    for (const s of scaled) {
      const queues: readonly string[] = WORKER_QUEUES[s.metadata.name as WorkerRole];
      expect(s.spec.triggers.length).toBeGreaterThan(0);
      for (const t of s.spec.triggers) {
        expect(t.type).toBe('nats-jetstream');
        expect(t.metadata.stream).toBe(STREAMS.tasks);
        expect(PROVISIONED, t.metadata.consumer).toContain(t.metadata.consumer);
        expect(queues, `${s.metadata.name} ${t.metadata.consumer}`).toContain(
          t.metadata.consumer.replace(/_[a-z]+$/, ''),
        );
      }
    }
    const hpa = of(objects, 'HorizontalPodAutoscaler');
    expect(hpa.map((h) => h.spec.scaleTargetRef.name)).toEqual(['gateway']);
    expect(hpa[0]?.spec.metrics[0].resource.name).toBe('cpu');
  });

  it(`k8s ${overlay} - a PDB per Deployment, the provisioning Job at the overlay's replicas`, () => {
    const pdbs = of(objects, 'PodDisruptionBudget').map((p) => p.metadata.name);
    for (const d of of(objects, 'Deployment')) expect(pdbs).toContain(d.metadata.name);
    const [job] = of(objects, 'Job');
    expect(job?.spec.template.spec.containers[0].args).toEqual([
      'packages/cli/dist/main.js',
      'provision',
      '--replicas',
      overlay === 'prod' ? '3' : '1',
    ]);
    const ingress = of(objects, 'Ingress')[0];
    const backends = ingress?.spec.rules[0].http.paths.map((p: any) => p.backend.service.port.name);
    expect(backends).toEqual(['ws', 'http']);
  });
});

describe('deploy/k8s NATS values for the official Helm chart', () => {
  const values = (path: string) => parse(readFileSync(`${K8S}/${path}`, 'utf8'));

  it('k8s nats - prod runs three clustered nodes, one per host; dev one', () => {
    const prod = values('overlays/prod/nats-values.yaml');
    expect(prod.config.cluster).toEqual({ enabled: true, replicas: 3 });
    const anti = prod.podTemplate.merge.spec.affinity.podAntiAffinity;
    expect(anti.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe(
      'kubernetes.io/hostname',
    );
    expect(prod.podDisruptionBudget.merge.spec.maxUnavailable).toBe(1);
    expect(values('overlays/dev/nats-values.yaml').config.cluster.enabled).toBe(false);
    const base = values('nats/values.yaml');
    expect(base.config.jetstream.fileStore.pvc.enabled).toBe(true);
    expect(base.config.monitor).toEqual({ enabled: true, port: 8222 });
  });

  it('k8s nats - the generated users are up to date with the permissions source', () => {
    expect(readFileSync(`${K8S}/nats/auth-values.yaml`, 'utf8')).toBe(authValues());
  });
});
