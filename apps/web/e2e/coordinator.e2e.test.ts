import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { expectAccessible, overflowX, screenshot } from './browser.ts';
import { choose, hasChromium, type SignInTexts, setUpJourney, signInFirstTime } from './journey.ts';

// Issue #7's first journey, in Debian's chromium against CareLoop as `npm start` runs it (embedded database, demo
// population, the production build): a coordinator signs in, enrols an authenticator, works the ranked queue.
const journey = setUpJourney();
const firstSignIn = (page: Page, username: string, password = journey.careloop.password, record = false) =>
  signInFirstTime(page, journey.careloop.url, username, password, record);

describe.skipIf(!hasChromium)('the coordinator', () => {
  test('signs in with MFA enrolment, works the ranked worklist, opens a patient, books a visit, refers and sees the referral accepted, is asked why before an unrelated chart', async () => {
    const browser = journey.browser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    const page = await context.newPage();
    const { signedIn } = await firstSignIn(page, 'coordinator', undefined, true);
    await page.waitForURL(/\/worklist$/);
    const rows = page.getByTestId('work-item');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const usableAfter = Date.now() - signedIn;
    await expectAccessible(page, 'worklist');
    await screenshot(page, 'worklist');

    // Each task says why it ranks where it does; the first is the highest.
    const first = rows.first();
    await expect.poll(() => first.locator('li').count()).toBeGreaterThan(0);
    const before = await rows.count();
    const title = await first.locator('td').nth(1).textContent();

    // Keyboard: c claims the selected (first) task; x opens the completion dialog.
    await page.keyboard.press('c');
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Task claimed.');
    await page.keyboard.press('x');
    const dialog = page.getByRole('dialog', { name: 'Complete the task' });
    await dialog.getByRole('button', { name: 'Complete' }).click();
    // The outcome is required: the browser keeps the dialog open and nothing is sent.
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByLabel('Outcome').fill('Reached the patient; follow-up visit confirmed.');
    await expectAccessible(page, 'complete dialog');
    await screenshot(page, 'complete-task');
    await dialog.getByRole('button', { name: 'Complete' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Task completed.');
    await expect.poll(() => rows.count()).toBe(before - 1);
    expect(await rows.first().locator('td').nth(1).textContent()).not.toBe(title);

    // The patient view: from the worklist, the patient's header, timeline and lists.
    const patientLink = rows.first().getByRole('link');
    await expect.poll(() => patientLink.textContent()).not.toBe('Loading…');
    const patientName = (await patientLink.textContent()) ?? '';
    await patientLink.click();
    await expect
      .poll(() => page.getByRole('heading', { level: 1, name: patientName }).count(), { timeout: 15_000 })
      .toBe(1);
    await expect.poll(() => page.getByRole('heading', { name: 'Timeline' }).count()).toBe(1);
    expect(await page.getByRole('region', { name: 'Patient header' }).textContent()).toMatch(/Primary coordinator/);
    await expectAccessible(page, 'patient view');
    await screenshot(page, 'patient-view');

    // Booking a follow-up from the chart: constraints, the best times with their reasons, one click to book.
    await page.getByRole('link', { name: 'Book a visit' }).click();
    await choose(page, 'Service', /Cardio/i);
    await page.getByRole('button', { name: 'Find times' }).click();
    const times = page.getByTestId('proposal');
    await expect.poll(() => times.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => times.first().locator('li').count()).toBeGreaterThan(0);
    await expectAccessible(page, 'find a time');
    await screenshot(page, 'book-visit');
    await times.first().getByRole('button', { name: 'Book' }).click();
    await expect.poll(() => page.getByRole('status').textContent(), { timeout: 15_000 }).toContain('is booked for');

    // A referral from the chart: reason, packet, a receiver found in the directory; then the receiver accepts it.
    await page.getByRole('link', { name: 'Back to the patient' }).click();
    await page.getByRole('link', { name: 'Refer', exact: true }).click();
    await choose(page, 'Specialty', /Cardio/i);
    await page.getByLabel(/^Reason for referral/).fill('New atrial fibrillation, rate not controlled.');
    await page.getByRole('group', { name: 'Include in the packet' }).getByRole('checkbox').first().check();
    await page.getByRole('button', { name: 'Find receivers' }).click();
    const internal = page.getByTestId('receiver').filter({ hasText: 'on their CareLoop worklist' });
    await expect.poll(() => internal.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await internal.locator('input[value^="PractitionerRole/"]').first().check();
    await expectAccessible(page, 'refer');
    await screenshot(page, 'refer');
    await page.getByRole('button', { name: 'Send the referral' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Offered to 1 receiver');
    await page.getByRole('link', { name: 'Open the referral board' }).click();
    const sent = page.getByRole('region', { name: 'Waiting for an answer' }).getByTestId('referral-offer');
    await expect.poll(() => sent.count()).toBe(1);
    // Only the receiver answers an offer: the referrer's board offers no Accept.
    expect(await sent.getByRole('button', { name: 'Accept' }).count()).toBe(0);
    const receiver = await page.evaluate(async () => {
      const res = await fetch('/fhir/R4/Task?code=http://hl7.org/fhir/CodeSystem/task-code|fulfill&_count=1', {
        headers: { accept: 'application/fhir+json' },
      });
      const bundle = (await res.json()) as { entry: { resource: { owner: { reference: string } } }[] };
      return bundle.entry[0]?.resource.owner.reference ?? '';
    });
    expect(receiver).toMatch(/^Practitioner\//);

    // The administrator gives the receiving cardiologist an account; they sign in and accept on their board.
    const admin = await (await browser.newContext()).newPage();
    await firstSignIn(admin, 'admin');
    const created = await admin.evaluate(async (fhirReference) => {
      const session = (await (await fetch('/auth/session')).json()) as { csrfToken: string };
      const res = await fetch('/admin/users', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({
          username: 'receiving-cardiologist',
          roles: ['clinician'],
          fhirReference,
          password: 'Receiving-clinic-2026-passphrase',
        }),
      });
      return res.status;
    }, receiver);
    expect(created).toBe(201);
    const cardiologist = await (await browser.newContext()).newPage();
    await firstSignIn(cardiologist, 'receiving-cardiologist', 'Receiving-clinic-2026-passphrase');
    await cardiologist.getByRole('link', { name: 'Referrals' }).click();
    const incoming = cardiologist.getByRole('region', { name: 'Waiting for an answer' }).getByTestId('referral-offer');
    await expect.poll(() => incoming.count()).toBe(1);
    await expectAccessible(cardiologist, 'referral board');
    await incoming.getByRole('button', { name: 'Accept' }).click();
    await expect
      .poll(() =>
        cardiologist.getByRole('region', { name: 'Accepted and scheduled' }).getByTestId('referral-offer').count(),
      )
      .toBe(1);
    await page.reload();
    const accepted = page.getByRole('region', { name: 'Accepted and scheduled' }).getByTestId('referral-offer');
    await expect.poll(() => accepted.count(), { timeout: 10_000 }).toBe(1);
    expect(await accepted.first().textContent()).toContain('accepted');
    await screenshot(page, 'referral-board');
    await admin.context().close();
    await cardiologist.context().close();

    // A chart outside one's relationships asks for a reason first (here an address that is no one's: nothing opens).
    await page.goto(`${journey.careloop.url}/patients/not-a-patient-here`);
    await expect.poll(() => page.getByText('This patient is not on your caseload').count()).toBe(1);
    await expectAccessible(page, 'break the glass');
    await page.getByLabel('Reason for access').fill('Patient called in distress; covering for a colleague.');
    await page.getByRole('button', { name: /Break the glass/ }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('No chart could be opened');
    await screenshot(page, 'break-the-glass');

    // Signing out leaves nothing about patients in the browser's storage.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in to CareLoop' }).count()).toBe(1);
    const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length }));
    expect(stored).toEqual({ local: 0, session: 0 });
    console.log(`[e2e] worklist usable ${usableAfter} ms after the last sign-in step (ranked rows on screen)`);
    await context.close();
  });

  test('in Spanish at tablet width: a browser in Spanish is answered in Spanish from the sign-in on — navigation, worklist, dates — fits the screen, and switches to English on request', async () => {
    // An iPad Air held upright, its browser in Mexican Spanish; the demo clinician signs in for the first time.
    const context = await journey.browser().newContext({ viewport: { width: 820, height: 1180 }, locale: 'es-MX' });
    const page = await context.newPage();
    const spanish: SignInTexts = {
      userName: 'Nombre de usuario',
      continue: 'Continuar',
      showCode: 'Mostrar el código para escanear',
      enrolCode: 'El código de 6 dígitos que muestra su aplicación',
      confirm: 'Confirmar',
      recoveryTitle: 'Guarde sus códigos de recuperación',
      stored: /Ya los guardé/,
    };
    await signInFirstTime(page, journey.careloop.url, 'clinician', journey.careloop.password, false, spanish);
    await page.waitForURL(/\/worklist$/);
    expect(await page.locator('html').getAttribute('lang')).toBe('es');

    // The navigation, behind the menu button if the navbar is folded away at this width.
    const burger = page.getByRole('button', { name: 'Menú' });
    if (await burger.isVisible()) await burger.click();
    const nav = page.getByRole('navigation', { name: 'Principal' });
    for (const screen of ['Mi lista de trabajo', 'Pacientes', 'Derivaciones'])
      await expect.poll(() => nav.getByRole('link', { name: screen }).isVisible()).toBe(true);
    if (await burger.isVisible()) await burger.click();

    // The worklist: its title, the table's headers and actions, and the due dates as Spanish speakers write them.
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Mi lista de trabajo' }).count()).toBe(1);
    await expect.poll(() => page.getByText('Teclas:').count()).toBe(1);
    const rows = page.getByTestId('work-item');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const table = page.getByRole('table', { name: 'Tareas, las más importantes primero' });
    for (const header of ['Tarea', 'Paciente', 'Vence', 'Por qué aquí', 'Acciones'])
      expect(await table.getByRole('columnheader', { name: header }).count()).toBe(1);
    // At this width the priority shows in the task's cell.
    expect(await rows.first().locator('td').nth(1).innerText()).toMatch(
      /^(rutinaria|urgente|prioritaria|inmediata)\n/i,
    );
    expect(await rows.first().getByRole('button', { name: 'Completar' }).count()).toBe(1);
    // The server words the ranking reasons in Spanish too (the page asks in the user's language), and CareLoop's
    // kinds of task are named in Spanish.
    await expect.poll(() => rows.first().locator('li').first().textContent()).toMatch(/^prioridad: \S+ \(\+\d+\)$/);
    expect(await rows.first().locator('td').nth(1).innerText()).not.toMatch(/Eligibility check|Arrange interpreter/);
    const due = rows.locator('td:nth-child(4) p[title]');
    await expect.poll(() => due.count()).toBeGreaterThan(0);
    expect(await due.first().textContent()).toMatch(
      /^(hace|dentro de|ayer|mañana|anteayer|pasado mañana|ahora|est[ae]) /,
    );
    expect(await due.first().getAttribute('title')).toMatch(
      /^\d{1,2} (ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic) \d{4}/,
    );

    // Nothing wider than the screen, nothing inaccessible.
    expect(await overflowX(page)).toBeLessThanOrEqual(0);
    await expectAccessible(page, 'worklist in Spanish at tablet width');
    await screenshot(page, 'worklist-es-tablet');

    // The language menu switches to English at once, for this tab.
    await page.getByRole('combobox', { name: 'Idioma' }).selectOption('en');
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'My worklist' }).count()).toBe(1);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await context.close();
  });
});

describe.skipIf(!hasChromium)('the build', () => {
  test('initial JavaScript within the 500 KB (gzipped) budget', () => {
    const { webDir } = journey.careloop;
    const html = readFileSync(join(webDir, 'index.html'), 'utf8');
    const assets = join(webDir, 'assets');
    const initial = readdirSync(assets).filter((f) => f.endsWith('.js') && html.includes(f));
    expect(initial.length).toBeGreaterThan(0);
    const gz = initial.reduce((n, f) => n + gzipSync(readFileSync(join(assets, f))).length, 0);
    console.log(`[e2e] initial JavaScript: ${initial.length} file(s), ${(gz / 1024).toFixed(0)} KB gzipped`);
    expect(gz).toBeLessThanOrEqual(500 * 1024);
  });
});
