/** Stable codes of authentication failures. */
export const AuthErrorCode = {
  UNAUTHORIZED: 'UNAUTHORIZED',
} as const;
export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode];

/** A missing, malformed, expired or wrongly signed token (401), or a bad claim in a good one. */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly code = AuthErrorCode.UNAUTHORIZED;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
