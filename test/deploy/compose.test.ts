// deploy/compose.yaml as `docker-compose config` resolves it (Debian's docker-compose; no Docker
// engine is needed): the services, ports and start order it declares. Skipped, with a notice,
// where docker-compose is not installed.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NATS_ROLES, natsPasswordVar } from '@wadm/runtime';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { authConf } from '../../deploy/nats/generate.mjs';

const DEPLOY = fileURLToPath(new URL('../../deploy/', import.meta.url));
const compose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;
if (!compose) {
  console.warn('test/deploy/compose.test.ts: docker-compose not found, its checks are SKIPPED');
}

/** Every password the file requires, as deploy/.env would give them. */
const SECRETS = Object.fromEntries([
  ...NATS_ROLES.map((role) => [natsPasswordVar(role), `pw-${role}`]),
  ['GRAFANA_ADMIN_PASSWORD', 'pw-grafana'],
]);

function config(env: Record<string, string>) {
  return spawnSync('docker-compose', ['-f', `${DEPLOY}compose.yaml`, 'config'], {
    encoding: 'utf8',
    // Only what is given here: a developer's own deploy/.env or shell must not make it pass.
    env: { PATH: process.env['PATH'] ?? '', ...env },
    cwd: '/',
  });
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the resolved file is read as plain data */
const APP = [
  'gateway-1',
  'gateway-2',
  'backtest',
  'reports',
  'exports',
  'scheduler-1',
  'scheduler-2',
];

describe.skipIf(!compose)('deploy/compose.yaml', () => {
  const resolved = compose ? config(SECRETS) : undefined;
  const services: Record<string, any> = resolved ? parse(resolved.stdout).services : {};

  it('compose - passes docker-compose config and declares every part', () => {
    expect(resolved?.status, resolved?.stderr).toBe(0);
    expect(Object.keys(services).sort()).toEqual(
      [
        ...APP,
        'nats-1',
        'nats-2',
        'nats-3',
        'provision',
        'mongodb',
        'mailpit',
        'prometheus',
        'grafana',
      ].sort(),
    );
  });

  it('compose - refuses to resolve without the NATS passwords', () => {
    const missing = config({ ...SECRETS, WADM_NATS_GATEWAY_PASSWORD: '' });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/WADM_NATS_GATEWAY_PASSWORD/);
  });

  it('compose - NATS is a 3-node JetStream cluster and provisioning waits for it, at R3', () => {
    for (const n of ['nats-1', 'nats-2', 'nats-3']) {
      expect(services[n].command).toEqual(['-c', '/etc/nats/nats.conf', '--name', n]);
      expect(services[n].volumes).toContain(`${n}:/data:rw`);
      expect(services.provision.depends_on[n]).toEqual({ condition: 'service_healthy' });
    }
    const server = readFileSync(`${DEPLOY}nats/compose-server.conf`, 'utf8');
    expect(server).toMatch(/jetstream \{\s+store_dir: \/data/);
    expect(server).toMatch(/include \.\/auth\.conf/);
    expect(readFileSync(`${DEPLOY}nats/auth.conf`, 'utf8')).toBe(authConf());
    expect(services.provision.command).toEqual([
      'packages/cli/dist/main.js',
      'provision',
      '--replicas',
      '3',
    ]);
  });

  it('compose - every service starts after provisioning, with its own NATS user', () => {
    for (const name of APP) {
      const s = services[name];
      expect(s.depends_on.provision, name).toEqual({
        condition: 'service_completed_successfully',
      });
      expect(s.environment.WADM_PROVISION, name).toBe('0');
      const user = name.replace(/-\d$/, '');
      expect(s.environment.WADM_NATS_USER, name).toBe(user);
      expect(s.environment.WADM_NATS_PASSWORD, name).toBe(`pw-${user}`);
      expect(s.image, name).not.toMatch(/:latest$/);
    }
    expect(services.reports.depends_on.mailpit).toBeDefined();
    expect(services.reports.environment.WADM_SMTP_URL).toBe('smtp://mailpit:1025');
  });

  it('compose - ports: two gateways, NATS, the mail UI, Prometheus, Grafana', () => {
    const published = (name: string) =>
      (services[name].ports ?? []).map((p: any) => `${p.published}:${p.target}`);
    expect(published('gateway-1')).toEqual(['8000:8000', '8001:8001']);
    expect(published('gateway-2')).toEqual(['8010:8000', '8011:8001']);
    expect(published('nats-1')).toEqual(['4222:4222', '8222:8222']);
    expect(published('mailpit')).toEqual(['8025:8025']);
    expect(published('prometheus')).toEqual(['9090:9090']);
    expect(published('grafana')).toEqual(['3000:3000']);
  });

  it('compose - Prometheus scrapes every service that serves /metrics at its health port', () => {
    const prom = parse(readFileSync(`${DEPLOY}prometheus/prometheus.yml`, 'utf8'));
    const targets: string[] = prom.scrape_configs.flatMap((c: any) =>
      c.static_configs.flatMap((s: any) => s.targets),
    );
    for (const name of ['backtest', 'reports', 'exports', 'scheduler-1', 'scheduler-2']) {
      expect(targets).toContain(`${name}:${services[name].environment.WADM_HEALTH_PORT}`);
    }
  });
});
