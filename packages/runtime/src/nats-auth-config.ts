import { NATS_ROLES, natsPermissions, type NatsRole } from './nats-permissions.js';

/** The environment variable a server reads `role`'s password from: `WADM_NATS_GATEWAY_PASSWORD`. */
export function natsPasswordVar(role: NatsRole): string {
  return `WADM_NATS_${role.toUpperCase()}_PASSWORD`;
}

/**
 * Renders the `authorization {}` block of a nats-server config with one user per role, named
 * after it. Passwords are either literal (a test's or `npm start`'s, made on the spot) or, with
 * `'env'`, references the server resolves from its environment (`$WADM_NATS_GATEWAY_PASSWORD`),
 * so the generated file in the repository holds no secret.
 */
export function renderNatsAuthorization(passwords: Record<NatsRole, string> | 'env'): string {
  const users = NATS_ROLES.map((role) => {
    const perms = natsPermissions(role);
    const password =
      passwords === 'env' ? `$${natsPasswordVar(role)}` : JSON.stringify(passwords[role]);
    return [
      '    {',
      `      user: ${JSON.stringify(role)}`,
      `      password: ${password}`,
      '      permissions: {',
      `        publish: { allow: ${list(perms.publish, 8)} }`,
      `        subscribe: { allow: ${list(perms.subscribe, 8)} }`,
      '      }',
      '    }',
    ].join('\n');
  });
  return ['authorization {', '  users: [', ...users, '  ]', '}', ''].join('\n');
}

function list(items: readonly string[], indent: number): string {
  if (items.length === 0) return '[]';
  const pad = ' '.repeat(indent + 2);
  return `[\n${items.map((s) => `${pad}${JSON.stringify(s)}`).join('\n')}\n${' '.repeat(indent)}]`;
}
