// Signed, expiring links that work without signing in (appointment confirm/cancel); the token is their only secret.
export { linkKeyOf } from './key.ts';
export { signLink, verifyLink } from './tokens.ts';
