import { describe, expect, test } from 'vitest';
import { expectAccessible, screenshot } from './browser.ts';
import { hasChromium, setUpJourney, signInFirstTime } from './journey.ts';

// Automatic sign-out on idle (issue #7), against a CareLoop whose sessions end after one idle minute: the workbench
// warns a minute before the server's limit (here after 10 s, its shortest wait), "Stay signed in" keeps the session,
// and with no activity at all it signs out, leaves nothing in the browser and says why.
const journey = setUpJourney(20, { SESSION_IDLE_MINUTES: '1' });

describe.skipIf(!hasChromium)('idle sign-out', () => {
  test('warns before the idle limit, stays signed in on request, then signs out with nothing left behind', async () => {
    const context = await journey.browser().newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    await signInFirstTime(page, journey.careloop.url, 'coordinator', journey.careloop.password);
    await page.waitForURL(/\/worklist$/);

    const warning = page.getByRole('dialog', { name: 'Are you still there?' });
    await expect.poll(() => warning.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await warning.textContent()).toMatch(/signed out in \d+ seconds?/);
    await expectAccessible(page, 'idle warning');
    await screenshot(page, 'idle-warning');
    await warning.getByRole('button', { name: 'Stay signed in' }).click();
    await expect.poll(() => warning.isVisible()).toBe(false);
    expect(await page.getByRole('heading', { level: 1, name: 'My worklist' }).count()).toBe(1);

    // No activity now: the warning again, then the sign-in page saying why.
    await expect.poll(() => warning.isVisible(), { timeout: 30_000 }).toBe(true);
    await expect
      .poll(() => page.getByText('You were signed out after a period without activity.').count(), { timeout: 90_000 })
      .toBe(1);
    expect(await page.getByRole('heading', { name: 'Sign in to CareLoop' }).count()).toBe(1);
    const left = await page.evaluate(async () => ({
      local: localStorage.length,
      session: sessionStorage.length,
      server: (await fetch('/auth/session')).status,
    }));
    expect(left).toEqual({ local: 0, session: 0, server: 401 });
    await context.close();
  }, 240_000);
});
