import * as OTPAuth from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { expectAccessible, hasChromium, launch, screenshot } from './browser.ts';
import { type Running, startCareLoop } from './server.ts';

// Without chromium (a machine that only ran `npm ci`) the journeys are skipped with this note; CI installs it and
// sets CI=true, which makes a missing browser a failure instead.
if (!hasChromium && process.env.CI) throw new Error('chromium is required in CI (.ci/run installs it with apt)');
if (!hasChromium)
  console.warn('[e2e] skipped: no chromium at /usr/bin/chromium (apt install chromium, or CHROMIUM_PATH)');

export { hasChromium };

type Journey = { readonly careloop: Running & { webDir: string }; browser(): Browser };

/**
 * This journey file's CareLoop — `careloop start` on a fresh embedded database with the demo population, serving the
 * build setup.ts made — and its browser; both stopped after the file. Each file has its own, so journeys running at
 * once never share accounts (every demo user enrols an authenticator once).
 */
export function setUpJourney(patients = 200, settings: Readonly<Record<string, string>> = {}): Journey {
  let browser: Browser | undefined;
  let careloop: (Running & { webDir: string }) | undefined;
  beforeAll(async () => {
    const webDir = inject('webDir');
    if (!hasChromium || !webDir) return;
    careloop = { ...(await startCareLoop(webDir, patients, settings)), webDir };
    browser = await launch();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await careloop?.stop();
  });
  return {
    get careloop() {
      if (!careloop) throw new Error('CareLoop was not started (no chromium)');
      return careloop;
    },
    browser() {
      if (!browser) throw new Error('no browser');
      return browser;
    },
  };
}

const totp = (secret: string) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret.replace(/\s+/g, '')) }).generate();

/** The words of the sign-in pages a first sign-in acts on, in the language the browser asks for. */
export type SignInTexts = Readonly<{
  userName: string;
  continue: string;
  showCode: string;
  enrolCode: string;
  confirm: string;
  recoveryTitle: string;
  stored: RegExp;
}>;

const ENGLISH: SignInTexts = {
  userName: 'User name',
  continue: 'Continue',
  showCode: 'Show the code to scan',
  enrolCode: 'The 6-digit code your app shows',
  confirm: 'Confirm',
  recoveryTitle: 'Keep your recovery codes',
  stored: /I have stored them/,
};

/**
 * A first sign-in: password, authenticator enrolment (the key read from the page, the code computed here), recovery
 * codes acknowledged — by the pages' words in `texts` (English unless the browser asks for another language). Checks
 * and photographs the sign-in and enrolment screens when `record` is set. Resolves with the moment the last step was
 * clicked, from which the first screen's readiness can be measured, and the authenticator's key.
 */
export async function signInFirstTime(
  page: Page,
  url: string,
  username: string,
  password: string,
  record = false,
  texts: SignInTexts = ENGLISH,
): Promise<{ signedIn: number; secret: string }> {
  await page.goto(url);
  await page.getByLabel(texts.userName).fill(username);
  await page.locator('input[name=password]').fill(password);
  if (record) {
    await expectAccessible(page, 'sign-in');
    await screenshot(page, 'sign-in');
  }
  await page.getByRole('button', { name: texts.continue }).click();
  await page.getByRole('button', { name: texts.showCode }).click();
  const secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
  if (record) {
    await expectAccessible(page, 'authenticator enrolment');
    await screenshot(page, 'enrol-authenticator');
  }
  await page.getByLabel(texts.enrolCode).fill(totp(secret));
  await page.getByRole('button', { name: texts.confirm }).click();
  await expect.poll(() => page.getByText(texts.recoveryTitle).count()).toBe(1);
  const signedIn = Date.now();
  await page.getByRole('button', { name: texts.stored }).click();
  return { signedIn, secret };
}

/**
 * A later sign-in: the password, then the authenticator's code. The code is the next period's (the server accepts
 * one period either side, and never a period already used — the enrolment used this one).
 */
export async function signInWithCode(
  page: Page,
  url: string,
  username: string,
  password: string,
  secret: string,
): Promise<void> {
  await page.goto(url);
  await page.getByLabel('User name').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.getByRole('button', { name: 'Continue' }).click();
  const code = page.getByLabel(/^The 6-digit code from your authenticator app/);
  await expect.poll(() => code.count()).toBe(1);
  await expectAccessible(page, 'authenticator code');
  await screenshot(page, 'sign-in-code');
  const next = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret.replace(/\s+/g, '')) }).generate({
    timestamp: Date.now() + 30_000,
  });
  await code.fill(next);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Picks an option of a searchable select (a Mantine combobox) by its label and the option's name. */
export async function choose(page: Page, label: string, option: RegExp | string): Promise<void> {
  await page.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option }).first().click();
}
