import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { signDevToken } from '@wadm/auth';
import { isValidOwner } from '@wadm/contracts';
import { defineCommand } from '../command.js';
import { ExitCode, UsageError } from '../errors.js';

/** Where the start command keeps the development secret it gives the gateway. */
const DEV_SECRET_FILE = fileURLToPath(new URL('../../../../.wadm/dev-secret', import.meta.url));

function devSecret(): string {
  const fromEnv = process.env['WADM_JWT_SECRET'];
  if (fromEnv) return fromEnv;
  try {
    return readFileSync(DEV_SECRET_FILE, 'utf8').trim();
  } catch {
    throw new UsageError(
      'no signing secret: set WADM_JWT_SECRET (the gateway uses the same) or run `npm start` once, which creates .wadm/dev-secret',
      'token',
    );
  }
}

export const tokenCommand = defineCommand({
  name: 'token',
  summary: 'Print a development JWT (HS256) for the gateway',
  positionals: [],
  options: {
    user: { type: 'string', valueName: 'ID', description: 'The user (token sub), required' },
    admin: { type: 'boolean', description: 'Grant the admin role: sees every user’s tasks' },
    system: {
      type: 'boolean',
      description: 'Grant the system role: a service account, e.g. a scheduler submitting tasks',
    },
    expires: {
      type: 'string',
      valueName: 'SPAN',
      description: 'Lifetime, e.g. 30m, 12h (default 12h; the gateway refuses over 24h by default)',
    },
  },
  examples: [
    'wadm token --user alice',
    'wadm token --user ops --admin --expires 1h',
    'wadm token --user scheduler --system',
  ],
  async run(ctx, { values }) {
    if (!values.user) throw new UsageError('--user is required', 'token');
    if (!isValidOwner(values.user)) {
      throw new UsageError('--user must be 1-64 of [A-Za-z0-9_-]', 'token');
    }
    if (values.expires !== undefined && !/^\d+\s?(s|m|h|d)$/.test(values.expires)) {
      throw new UsageError('--expires must look like 30m, 12h or 1d', 'token');
    }
    const token = await signDevToken({
      secret: devSecret(),
      user: values.user,
      admin: values.admin ?? false,
      system: values.system ?? false,
      ...(values.expires ? { expiresIn: values.expires } : {}),
    });
    if (ctx.json) {
      ctx.out.json({
        token,
        user: values.user,
        admin: values.admin ?? false,
        system: values.system ?? false,
      });
    } else {
      ctx.out.line(token);
    }
    return ExitCode.OK;
  },
});
