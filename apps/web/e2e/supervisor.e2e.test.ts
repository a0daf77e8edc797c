import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { expectAccessible, screenshot } from './browser.ts';
import { hasChromium, setUpJourney, signInFirstTime } from './journey.ts';

// Issue #7's supervisor journey, in Debian's chromium against CareLoop as `npm start` runs it: the supervisor sees
// the team's loads and trends, and accepts the rebalancing suggestion. The demo population's coordinators carry
// uneven caseloads (some clinics are busier, some languages rarer), so there is something to rebalance.
const journey = setUpJourney();

/** A coordinator's row in the load table: their patient count and load score as shown. */
const loadOf = async (page: Page, coordinator: string) => {
  const row = page.locator(`[data-testid="coordinator-load"][data-coordinator="${coordinator}"]`);
  return {
    patients: Number(await row.getByTestId('patients').textContent()),
    score: Number((await row.getByTestId('score').textContent())?.replace(/,/g, '')),
  };
};

describe.skipIf(!hasChromium)('the supervisor', () => {
  test('signs in with MFA enrolment, sees the loads and the trends, and accepts a rebalancing', async () => {
    const context = await journey.browser().newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    await signInFirstTime(page, journey.careloop.url, 'supervisor', journey.careloop.password);
    await page.waitForURL(/\/worklist$/);
    await page.getByRole('link', { name: 'Caseload' }).click();
    await page.waitForURL(/\/caseload$/);
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Caseload' }).count()).toBe(1);

    // The team: every coordinator with a load score and what it is made of, the busiest first and marked.
    const rows = page.getByTestId('coordinator-load');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBeGreaterThan(1);
    const coordinators = await rows.count();
    await expect.poll(() => rows.first().locator('th').textContent()).not.toMatch(/Unnamed|^$/);
    expect(await rows.first().textContent()).toMatch(/\d+ open tasks?/);
    expect(await rows.first().getByText('Over target').count()).toBe(1);
    expect(await page.getByText(/^Target: at most [\d.]+ points per coordinator/).count()).toBe(1);

    // The charts are drawn, and each carries its text alternative: a caption and a table with every figure.
    const queueAge = page.locator('figure').filter({ hasText: 'Queue age by coordinator' });
    await expect
      .poll(() => queueAge.locator('svg .recharts-bar-rectangle').count(), { timeout: 20_000 })
      .toBeGreaterThan(0);
    expect(await queueAge.locator('figcaption').textContent()).toMatch(/longest wait|No coordinator has open tasks/);
    expect(await queueAge.locator('table tbody tr').count()).toBe(coordinators);
    const overdue = page.locator('figure').filter({ hasText: 'Overdue tasks on each of the last 14 days' });
    await expect.poll(() => overdue.locator('svg .recharts-line-curve').count()).toBe(coordinators);
    expect(await overdue.locator('figcaption').textContent()).toMatch(
      /Overdue tasks across the team: \d+ on .+, \d+ on/,
    );
    expect(await overdue.locator('table tbody tr').count()).toBe(14);
    expect(await overdue.locator('table thead th').count()).toBe(coordinators + 1);

    // The suggestion: each move names the patient, from whom to whom, and why in words.
    const moves = page.getByTestId('move');
    await expect.poll(() => moves.count()).toBeGreaterThan(0);
    const suggested = await moves.evaluateAll((rows) =>
      rows.map((r) => ({ from: r.getAttribute('data-from') ?? '', to: r.getAttribute('data-to') ?? '' })),
    );
    await expect.poll(() => moves.first().textContent()).not.toContain('Unnamed patient');
    expect(await moves.first().textContent()).toMatch(/is [\d.]+ points above the team average of [\d.]+/);
    const giver = suggested[0]?.from ?? '';
    const net = suggested.filter((m) => m.to === giver).length - suggested.filter((m) => m.from === giver).length;
    expect(net).toBeLessThan(0);
    const before = await loadOf(page, giver);
    await expectAccessible(page, 'caseload');
    await screenshot(page, 'caseload');

    // Accepting moves every patient at once; the table then shows the new loads.
    await page
      .getByRole('button', { name: `Accept ${suggested.length} move${suggested.length === 1 ? '' : 's'}` })
      .click();
    await expect
      .poll(() => page.getByRole('status').textContent(), { timeout: 20_000 })
      .toContain(`${suggested.length} patient${suggested.length === 1 ? ' now has' : 's now have'} a new coordinator`);
    const after = await loadOf(page, giver);
    expect(after.patients).toBe(before.patients + net);
    expect(after.score).toBeLessThan(before.score);
    await expectAccessible(page, 'caseload after rebalancing');

    // Supervisors review emergency accesses too; the audit log and the accounts stay the administrators'.
    await page.getByRole('link', { name: 'Break-the-glass review' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Break-the-glass review' }).count()).toBe(1);
    await expect.poll(() => page.getByText('Nothing is waiting for review.').count()).toBe(1);
    await expectAccessible(page, 'break-the-glass review (supervisor)');
    expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await page.goto(`${journey.careloop.url}/administration/users`);
    await page.waitForURL(/\/worklist$/);
    await context.close();
  });
});
