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
export function setUpJourney(patients = 200): Journey {
  let browser: Browser | undefined;
  let careloop: (Running & { webDir: string }) | undefined;
  beforeAll(async () => {
    const webDir = inject('webDir');
    if (!hasChromium || !webDir) return;
    careloop = { ...(await startCareLoop(webDir, patients)), webDir };
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

/**
 * A first sign-in: password, authenticator enrolment (the key read from the page, the code computed here), recovery
 * codes acknowledged. Checks and photographs the sign-in and enrolment screens when `record` is set. Resolves with
 * the moment the last step was clicked, from which the first screen's readiness can be measured.
 */
export async function signInFirstTime(
  page: Page,
  url: string,
  username: string,
  password: string,
  record = false,
): Promise<number> {
  await page.goto(url);
  await page.getByLabel('User name').fill(username);
  await page.locator('input[name=password]').fill(password);
  if (record) {
    await expectAccessible(page, 'sign-in');
    await screenshot(page, 'sign-in');
  }
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Show the code to scan' }).click();
  const secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
  if (record) {
    await expectAccessible(page, 'authenticator enrolment');
    await screenshot(page, 'enrol-authenticator');
  }
  await page.getByLabel('The 6-digit code your app shows').fill(totp(secret));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect.poll(() => page.getByText('Keep your recovery codes').count()).toBe(1);
  const signedIn = Date.now();
  await page.getByRole('button', { name: /I have stored them/ }).click();
  return signedIn;
}
