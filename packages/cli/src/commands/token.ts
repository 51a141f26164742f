import { signDevToken } from '@wadm/auth';
import { isValidOwner } from '@wadm/contracts';
import { defineCommand } from '../command.js';
import { devSecret } from '../dev-secret.js';
import { ExitCode, UsageError } from '../errors.js';

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
    email: {
      type: 'string',
      valueName: 'ADDRESS',
      description: 'The email claim: the one address this user may send notifications to',
    },
    expires: {
      type: 'string',
      valueName: 'SPAN',
      description: 'Lifetime, e.g. 30m, 12h (default 12h; the gateway refuses over 24h by default)',
    },
  },
  examples: [
    'wadm token --user alice --email alice@example.com',
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
    if (values.email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(values.email)) {
      throw new UsageError('--email must be an address like alice@example.com', 'token');
    }
    const token = await signDevToken({
      secret: devSecret('token'),
      user: values.user,
      admin: values.admin ?? false,
      system: values.system ?? false,
      ...(values.email ? { email: values.email } : {}),
      ...(values.expires ? { expiresIn: values.expires } : {}),
    });
    if (ctx.json) {
      ctx.out.json({
        token,
        user: values.user,
        admin: values.admin ?? false,
        system: values.system ?? false,
        ...(values.email ? { email: values.email } : {}),
      });
    } else {
      ctx.out.line(token);
    }
    return ExitCode.OK;
  },
});
