export { AuthError, AuthErrorCode } from './errors.js';
export { principalFromClaims, type Principal } from './principal.js';
export {
  bearerToken,
  createVerifier,
  type TokenVerifier,
  type VerifierOptions,
} from './verifier.js';
export { signDevToken, type DevTokenOptions } from './dev-token.js';
