// Accounts, sign-in, second factor, sessions and bearer tokens (issue #3).

export { base32Encode } from './base32.ts';
export { ASSERTION_ALGORITHMS, checkClientAssertion, registerClient } from './clients.ts';
export { confirmMfaEnrolment, consumeRecoveryCode, startMfaEnrolment, verifyMfaCode } from './mfa.ts';
export { completeReset } from './password-reset.ts';
export { registerPruneWorker, schedulePruning } from './prune.ts';
export { registerPasswordResetWorker, resetMailJob } from './reset-mail.ts';
export { parseSecretKey } from './secret-box.ts';
export {
  advanceSession,
  checkCsrf,
  findSession,
  openSession,
  revokeSession,
  rotateCsrf,
  type Session,
  type SessionLimits,
  sessionLive,
} from './sessions.ts';
export { isLockedOut, type LockoutPolicy, recordAttempt, signIn } from './sign-in.ts';
export { findAccessToken, issueAccessToken } from './tokens.ts';
