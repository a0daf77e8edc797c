import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { expectAccessible, overflowX, screenshot } from './browser.ts';
import { choose, hasChromium, setUpJourney, signInFirstTime, signInWithCode } from './journey.ts';

// Issue #7's scheduling screens, in Debian's chromium against CareLoop as `npm start` runs it: a coordinator books a
// follow-up, moves it with a reason, finds it in the practitioner's week, cancels it, and puts the patient on a
// waitlist.
const journey = setUpJourney();

const status = (page: Page) => page.getByRole('status').textContent();

/** The first patient of the coordinator's own caseload, as the API answers it. */
const firstPatient = (page: Page) =>
  page.evaluate(async () => {
    const res = await fetch('/fhir/R4/Patient?_count=1&_elements=name', {
      headers: { accept: 'application/fhir+json' },
    });
    const bundle = (await res.json()) as { entry: { resource: { id: string } }[] };
    return bundle.entry[0]?.resource.id ?? '';
  });

async function findCardiologyTimes(page: Page) {
  await page.getByRole('button', { name: 'Find times' }).click();
  const times = page.getByTestId('proposal');
  await expect.poll(() => times.count(), { timeout: 20_000 }).toBeGreaterThan(0);
  return times;
}

describe.skipIf(!hasChromium)('scheduling', () => {
  test('a coordinator books, reschedules with a reason, sees the week of the practitioner, cancels and waitlists', async () => {
    const context = await journey.browser().newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    const { secret } = await signInFirstTime(page, journey.careloop.url, 'coordinator', journey.careloop.password);
    await page.waitForURL(/\/worklist$/);
    const patient = await firstPatient(page);
    expect(patient).not.toBe('');

    // The patient's appointments, then booking a cardiology visit from there.
    await page.goto(`${journey.careloop.url}/patients/${patient}/appointments`);
    await expect.poll(() => page.getByRole('heading', { level: 1, name: /^Appointments of / }).count()).toBe(1);
    const rows = page.getByRole('table', { name: 'Upcoming' }).getByTestId('appointment');
    const before = await rows.count();
    await expectAccessible(page, 'appointments');
    await page.getByRole('link', { name: 'Book a visit' }).click();
    await choose(page, 'Service', /Cardio/i);
    const times = await findCardiologyTimes(page);
    const who = times.first().locator('td').nth(1);
    await expect.poll(() => who.textContent()).not.toMatch(/^Practitioner/); // the name, once loaded
    const practitioner = ((await who.textContent()) ?? '').replace('with an interpreter', '');
    await times.first().getByRole('button', { name: 'Book' }).click();
    await expect.poll(() => status(page), { timeout: 15_000 }).toContain('is booked for');
    await page.getByRole('link', { name: "The patient's appointments" }).click();
    await expect.poll(() => rows.count()).toBe(before + 1);
    const booked = rows.filter({ hasText: practitioner }).first();
    const bookedAt = await booked.locator('td').first().textContent();

    // Moving it: the service is kept; a reason is required before anything is sent; then it moves.
    await booked.getByRole('link', { name: 'Reschedule' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1, name: /^Move the visit of / }).count()).toBe(1);
    const later = await findCardiologyTimes(page);
    const target = later.nth(Math.min(2, (await later.count()) - 1));
    const movedTo = await target.locator('td').first().textContent();
    await target.getByRole('button', { name: 'Move here' }).click();
    await expect.poll(() => page.getByText('Say why the visit moves').count()).toBe(1);
    await expectAccessible(page, 'reschedule');
    await screenshot(page, 'reschedule');
    await page.getByLabel(/^Reason for the change/).fill('The patient asked for another day.');
    await target.getByRole('button', { name: 'Move here' }).click();
    await expect.poll(() => status(page), { timeout: 15_000 }).toContain('The visit is moved to');
    await page.getByRole('link', { name: "The patient's appointments" }).click();
    await expect.poll(() => rows.count()).toBe(before + 1);
    const moved = rows.filter({ hasText: movedTo ?? '' });
    await expect.poll(() => moved.count()).toBe(1);
    if (movedTo !== bookedAt) await expect.poll(() => rows.filter({ hasText: bookedAt ?? '' }).count()).toBe(0);

    // The practitioner's week shows the visit with the patient's name.
    const patientName = await page.evaluate(async (id) => {
      const p = (await (await fetch(`/fhir/R4/Patient/${id}`)).json()) as {
        name: { given: string[]; family: string }[];
      };
      return `${p.name[0]?.given.join(' ')} ${p.name[0]?.family}`;
    }, patient);
    await page.getByRole('link', { name: 'Calendar' }).click();
    await page.getByRole('combobox', { name: 'Practitioner' }).fill(practitioner.split(' ').at(-1) ?? practitioner);
    await page.getByRole('option', { name: practitioner }).first().click();
    const mine = page.getByTestId('calendar-appointment').filter({ hasText: patientName });
    // The visit is within the next weeks: the week shown, or a later one.
    for (let week = 0; week < 6; week++) {
      const shown = await expect
        .poll(() => mine.count(), { timeout: 3_000 })
        .toBe(1)
        .then(
          () => true,
          () => false,
        );
      if (shown) break;
      await page.getByRole('button', { name: 'Next week' }).click();
    }
    if ((await mine.count()) === 0) console.log('[e2e] calendar shows:', await page.locator('main').innerText());
    await expect.poll(() => mine.count()).toBe(1);
    await expectAccessible(page, 'calendar');
    await screenshot(page, 'calendar');

    // Cancelling it, with the reason; then the waitlist for the same patient.
    // By keyboard alone: Tab to the visit's Cancel, Enter opens the dialog with the focus in the reason.
    await page.goto(`${journey.careloop.url}/patients/${patient}/appointments`);
    const cancel = moved.getByRole('button', { name: 'Cancel' });
    await expect.poll(() => cancel.count()).toBe(1);
    for (let i = 0; i < 40 && !(await cancel.evaluate((el) => el === el.ownerDocument.activeElement)); i++)
      await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Cancel the appointment' });
    const reason = dialog.getByLabel(/^Reason for cancelling/);
    // The dialog puts the focus in the reason once it has opened.
    await expect.poll(() => reason.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.type('Seen sooner by the primary care physician.');
    expect(await reason.inputValue()).toBe('Seen sooner by the primary care physician.');
    await expectAccessible(page, 'cancel dialog');
    await dialog.getByRole('button', { name: 'Cancel the appointment' }).click();
    await expect.poll(() => status(page)).toContain('The appointment is cancelled');
    await expect.poll(() => moved.locator('td').nth(4).textContent()).toBe('cancelled');
    expect(await moved.getByRole('button').count()).toBe(0);

    const waiting = page.getByRole('table', { name: 'Waitlist' }).getByTestId('appointment');
    const waitingBefore = await waiting.count();
    await choose(page, 'Service', /Cardio/i);
    await page.getByRole('button', { name: 'Put on the waitlist' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'On the waitlist' }).count()).toBe(1);
    await expect.poll(() => waiting.count()).toBe(waitingBefore + 1);
    await expectAccessible(page, 'appointments with waitlist');
    await screenshot(page, 'appointments');

    // At tablet width (iPad Air, portrait) the screens fit: no sideways scrolling of the page.
    await page.setViewportSize({ width: 820, height: 1180 });
    for (const path of [`/patients/${patient}/appointments`, `/patients/${patient}/book`, '/schedule']) {
      await page.goto(`${journey.careloop.url}${path}`);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).count()).toBe(1);
      expect(await overflowX(page), `${path} at tablet width`).toBeLessThanOrEqual(0);
    }
    await screenshot(page, 'calendar-tablet');

    // Signed out, the next sign-in asks for the authenticator's code, and lands on the worklist again.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInWithCode(page, journey.careloop.url, 'coordinator', journey.careloop.password, secret);
    await page.waitForURL(/\/worklist$/);
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'My worklist' }).count()).toBe(1);
    await context.close();
  });
});
