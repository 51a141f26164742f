import { createVerifier } from '@wadm/auth';
import { describe, expect, it } from 'vitest';
import { wadm } from './cli-process.js';

const secret = 'cli-test-secret-0123456789abcdef0123';

describe('wadm token', () => {
  it('prints a token the gateway verifier accepts', async () => {
    const run = await wadm(['token', '--user', 'alice', '--admin'], {
      env: { WADM_JWT_SECRET: secret },
    });
    expect(run.code).toBe(0);
    const principal = await createVerifier({ secret })(run.stdout.trim());
    expect(principal).toEqual({ user: 'alice', admin: true, system: false });
  });

  it('wadm token - --system adds the system role for service accounts', async () => {
    const run = await wadm(['token', '--user', 'scheduler', '--system'], {
      env: { WADM_JWT_SECRET: secret },
    });
    expect(run.code).toBe(0);
    const principal = await createVerifier({ secret })(run.stdout.trim());
    expect(principal).toEqual({ user: 'scheduler', admin: false, system: true });
  });

  it('--email puts the address a user may send notifications to in the token', async () => {
    const run = await wadm(['token', '--user', 'alice', '--email', 'alice@example.com'], {
      env: { WADM_JWT_SECRET: secret },
    });
    expect(run.code).toBe(0);
    const principal = await createVerifier({ secret })(run.stdout.trim());
    expect(principal).toMatchObject({ user: 'alice', email: 'alice@example.com' });
  });

  it('refuses a bad user, address or lifetime before signing anything', async () => {
    const env = { WADM_JWT_SECRET: secret };
    const badUser = await wadm(['token', '--user', 'a.b'], { env });
    expect(badUser.code).toBe(2);
    expect(badUser.stderr).toMatch(/--user must be 1-64/);
    const noUser = await wadm(['token'], { env });
    expect(noUser.stderr).toMatch(/--user is required/);
    const badSpan = await wadm(['token', '--user', 'a', '--expires', 'soon'], { env });
    expect(badSpan.stderr).toMatch(/--expires must look like/);
    const badEmail = await wadm(['token', '--user', 'a', '--email', 'nobody'], { env });
    expect(badEmail.code).toBe(2);
    expect(badEmail.stderr).toMatch(/--email must be an address/);
  });
});
