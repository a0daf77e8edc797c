/**
 * Password rules of NIST SP 800-63B §5.1.1.2 (memorized secrets): at least 12 characters (above the standard's 8,
 * as for accounts that reach many patients' records), at most 128 (a bound on hashing work, well above the 64 the
 * standard asks us to allow), no composition rules (no "one digit, one symbol"), and a check against passwords known
 * to be common or guessable for this account. Length counts Unicode code points, as §5.1.1.2 says.
 */

const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 128;

/**
 * A small, hand-kept list of well-known passwords that survive a 12-character minimum (keyboard walks, digit runs,
 * "password"/"welcome"/"admin" plus digits, the product's own name). A full breached-password check (§5.1.1.2
 * "passwords obtained from previous breach corpuses") needs a large list or an online service and is left to a later
 * step. Lower case; compared case-insensitively.
 */
const COMMON = new Set([
  '123456789012',
  '1234567890123',
  '12345678901234',
  '123456789123',
  '111111111111',
  '000000000000',
  '123123123123',
  '123412341234',
  '098765432109',
  'qwertyuiopas',
  'qwertyuiop123',
  'qwerty123456',
  'qwerty12345678',
  'qwertyqwerty',
  'asdfghjkl123',
  'asdfasdfasdf',
  'zxcvbnm123456',
  '1q2w3e4r5t6y',
  '1qaz2wsx3edc',
  '1qaz2wsx3edc4rfv',
  'q1w2e3r4t5y6',
  'a1b2c3d4e5f6',
  'abc123456789',
  'abcdefghijkl',
  'abcd1234abcd',
  'password1234',
  'password12345',
  'password123456',
  'passwordpassword',
  'password1234!',
  'p@ssw0rd1234',
  'p@ssword1234',
  'mypassword123',
  'iloveyou1234',
  'iloveyouforever',
  'letmein12345',
  'letmeinplease',
  'welcome12345',
  'welcome123456',
  'welcometo2024',
  'changeme1234',
  'changeme12345',
  'administrator',
  'administrator1',
  'admin1234567',
  'adminadminadmin',
  'superman1234',
  'baseball1234',
  'football1234',
  'basketball123',
  'sunshine1234',
  'princess1234',
  'trustno1trustno1',
  'monkey123456',
  'dragon123456',
  'starwars1234',
  'whatever1234',
  'computer1234',
  'internet1234',
  'michael12345',
  'jennifer1234',
  'liverpool123',
  'chocolate123',
  'springfield1',
  'correcthorsebatterystaple',
  'thequickbrownfox',
  'careloop1234',
  'careloop12345',
  'careloopcareloop',
]);

/** Why a password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string, context: { username?: string } = {}): string | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (length > MAX_PASSWORD_LENGTH) return `password must be at most ${MAX_PASSWORD_LENGTH} characters`;
  const lower = password.normalize('NFKC').toLowerCase();
  if (COMMON.has(lower)) return 'password is too common; choose another';
  // §5.1.1.2 names repetitive or sequential characters and context-specific words (the user name, the service).
  if (/^(.)\1*$/u.test(lower)) return 'password must not be one repeated character';
  if (/^(.{1,4})\1+$/u.test(lower)) return 'password must not be a short repeated pattern';
  const username = context.username?.toLowerCase();
  if (username && username.length >= 4 && lower.includes(username)) return 'password must not contain the user name';
  return undefined;
}
