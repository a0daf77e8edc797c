import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's chromium (`.ci/run` installs it with apt); CHROMIUM_PATH overrides. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

export const launch = (): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });

const artifacts = fileURLToPath(new URL('./artifacts/', import.meta.url));

/** A full-page screenshot kept as a test artifact (apps/web/e2e/artifacts/NAME.png). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: `${artifacts}${name}.png`, fullPage: true });
}

/** axe-core on the page as it is now: no serious or critical accessibility violation. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  // Let transitions end first (a dialog fading in has washed-out colours); spinners run forever and are left alone.
  await page.evaluate(() => {
    type Animations = {
      getAnimations(): { effect: { getTiming(): { iterations?: number } } | null; finished: Promise<unknown> }[];
    };
    const doc = (globalThis as unknown as { document: Animations }).document;
    return Promise.all(
      doc
        .getAnimations()
        .filter((a) => a.effect?.getTiming().iterations !== Number.POSITIVE_INFINITY)
        .map((a) => a.finished.catch(() => undefined)),
    );
  });
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')} (${n.failureSummary?.replace(/\s+/g, ' ')})`).join('; ')}`,
    );
  expect(bad, `accessibility of ${screen}`).toEqual([]);
}

/** How much wider than the window the page is, in CSS pixels: 0 when it fits and nothing scrolls sideways. */
export const overflowX = (page: Page): Promise<number> =>
  page.locator('html').evaluate((html) => html.scrollWidth - html.clientWidth);
