import { SignJWT } from 'jose';

export interface DevTokenOptions {
  secret: string;
  user: string;
  admin?: boolean;
  /** Adds the `system` role (a service account). @defaultValue `false` */
  system?: boolean;
  /** The `email` claim: where the user's own notifications may go. */
  email?: string;
  /** jose time span, e.g. `12h`. @defaultValue `12h` */
  expiresIn?: string;
  issuer?: string;
  audience?: string;
}

/**
 * An HS256 token for development (`wadm token`, the start command); never for production.
 * It carries `iat` and `exp`, so the verifier's lifetime limit (24 h by default) applies.
 */
export async function signDevToken(opts: DevTokenOptions): Promise<string> {
  const roles = [...(opts.admin ? ['admin'] : []), ...(opts.system ? ['system'] : [])];
  let jwt = new SignJWT({ roles, ...(opts.email ? { email: opts.email } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(opts.user)
    .setIssuedAt()
    .setExpirationTime(opts.expiresIn ?? '12h');
  if (opts.issuer) jwt = jwt.setIssuer(opts.issuer);
  if (opts.audience) jwt = jwt.setAudience(opts.audience);
  return jwt.sign(new TextEncoder().encode(opts.secret));
}
