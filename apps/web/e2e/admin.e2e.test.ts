import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { expectAccessible, screenshot } from './browser.ts';
import { hasChromium, setUpJourney, signInFirstTime } from './journey.ts';

// Issue #7's administration journey, in Debian's chromium against CareLoop as `npm start` runs it: a clinician breaks
// the glass on a chart outside their relationships; the administrator finds that access in the audit log, reviews
// it, and gives a new colleague an account and then other roles.
const journey = setUpJourney();
const viewport = { width: 1280, height: 900 };
const firstSignIn = (page: Page, username: string) =>
  signInFirstTime(page, journey.careloop.url, username, journey.careloop.password);

/** A demo patient the signed-in clinician may not open (not on their care teams): its chart answers 404. */
const foreignPatient = (page: Page) =>
  page.evaluate(async () => {
    for (let i = 0; i < 200; i++) {
      const id = `demo-pat-${String(i).padStart(6, '0')}`;
      const res = await fetch(`/fhir/R4/Patient/${id}`, { headers: { accept: 'application/fhir+json' } });
      if (res.status === 404) return id;
    }
    return '';
  });

describe.skipIf(!hasChromium)('the administrator', () => {
  test('finds a clinician’s emergency access in the audit log, reviews it, and creates an account and changes its roles', async () => {
    const browser = journey.browser();

    // (a) The clinician opens a chart outside their relationships, stating why (break the glass).
    const clinician = await (await browser.newContext({ viewport, locale: 'en-US' })).newPage();
    await firstSignIn(clinician, 'clinician');
    await clinician.waitForURL(/\/worklist$/);
    // A morning's reading first (each search is an audit record): the log will have more than one page.
    await clinician.evaluate(async () => {
      for (let i = 0; i < 30; i++)
        await fetch(`/fhir/R4/Patient?_count=5&_offset=${i * 5}`, { headers: { accept: 'application/fhir+json' } });
    });
    const patient = await foreignPatient(clinician);
    expect(patient).toMatch(/^demo-pat-/);
    await clinician.goto(`${journey.careloop.url}/patients/${patient}`);
    await expect.poll(() => clinician.getByText('This patient is not on your caseload').count()).toBe(1);
    await clinician.getByLabel('Reason for access').fill('Covering the emergency clinic; patient arrived unwell.');
    await clinician.getByRole('button', { name: /Break the glass/ }).click();
    await expect.poll(() => clinician.getByRole('heading', { name: 'Timeline' }).count(), { timeout: 15_000 }).toBe(1);
    await clinician.context().close();

    // (b) The administrator signs in, enrols an authenticator and lands on the administration screens only.
    const context = await browser.newContext({ viewport, locale: 'en-US' });
    const page = await context.newPage();
    await firstSignIn(page, 'admin');
    await page.waitForURL(/\/administration\/users$/);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const name of ['Users and roles', 'Audit log', 'Break-the-glass review'])
      expect(await nav.getByRole('link', { name }).count(), name).toBe(1);
    for (const name of ['My worklist', 'Patients', 'Referrals', 'Calendar'])
      expect(await nav.getByRole('link', { name }).count(), name).toBe(0);

    // Users and roles: every account with its roles, linked record and authenticator.
    const users = page.getByTestId('admin-user');
    await expect.poll(() => users.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(6);
    const clinicianRow = users.filter({ has: page.getByText('clinician', { exact: true }) });
    expect(await clinicianRow.textContent()).toMatch(/Clinician.*Practitioner\/.*Active.*Set up/);
    await expectAccessible(page, 'users and roles');
    await screenshot(page, 'admin-users');

    // A new account: the roles are required, and a refusal shows by the field it concerns.
    await page.getByRole('button', { name: 'New user' }).click();
    const form = page.getByRole('dialog', { name: 'New user' });
    await form.getByLabel(/^User name/).fill('night-nurse');
    await form.getByLabel(/^Full name/).fill('Noor Night');
    await form.getByLabel(/^Linked record/).fill('Nurse/1');
    await form.getByLabel(/^Initial password/).fill('Night-shift-2026-passphrase');
    await form.getByRole('button', { name: 'Create the account' }).click();
    await expect.poll(() => form.getByText('Choose at least one role.').count()).toBe(1);
    await form.getByRole('checkbox', { name: 'Clinician' }).check();
    await form.getByRole('button', { name: 'Create the account' }).click();
    await expect.poll(() => form.getByText(/fhirReference must be Practitioner/).count()).toBe(1);
    expect(await form.getByLabel(/^Linked record/).getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'new user form');
    await form.getByLabel(/^Linked record/).fill('');
    await form.getByRole('button', { name: 'Create the account' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('The account night-nurse is created.');
    const nurse = users.filter({ has: page.getByText('night-nurse', { exact: true }) });
    await expect.poll(() => nurse.textContent()).toMatch(/Noor Night.*Clinician.*Not linked.*Required, not set up/);

    // Its roles change: a mix of kinds of person is refused by the roles, a second staff role is fine.
    await page.getByRole('button', { name: 'Change roles of night-nurse' }).click();
    const roles = page.getByRole('dialog', { name: 'Roles of night-nurse' });
    await roles.getByRole('checkbox', { name: 'Patient' }).check();
    await roles.getByRole('button', { name: 'Save the roles' }).click();
    await expect.poll(() => roles.getByText(/cannot be held by one account/).count()).toBe(1);
    await roles.getByRole('checkbox', { name: 'Patient' }).uncheck();
    await roles.getByRole('checkbox', { name: 'Supervisor' }).check();
    await expectAccessible(page, 'roles dialog');
    await roles.getByRole('button', { name: 'Save the roles' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('The roles of night-nurse are changed.');
    await expect.poll(() => nurse.textContent()).toMatch(/Supervisor.*Clinician|Clinician.*Supervisor/);

    // Deactivating ends the account's sessions; reactivating lets it sign in again.
    await page.getByRole('button', { name: 'Deactivate night-nurse' }).click();
    await page
      .getByRole('dialog', { name: 'Deactivate night-nurse?' })
      .getByRole('button', { name: 'Deactivate' })
      .click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('night-nurse can no longer sign in');
    await expect.poll(() => nurse.textContent()).toContain('Deactivated');
    await page.getByRole('button', { name: 'Reactivate night-nurse' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('night-nurse can sign in again.');

    // The audit log: everything, newest first, a page at a time.
    await nav.getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL(/\/administration\/audit$/);
    const rows = page.getByTestId('audit-row');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(25);
    await page.getByRole('button', { name: 'Older' }).click();
    await expect.poll(() => page.getByText(/Showing 26 to 50 of/).count()).toBe(1);
    await page.getByRole('button', { name: 'Newer' }).click();
    await expect.poll(() => page.getByText(/Showing 1 to 25 of/).count()).toBe(1);

    // … searched for the clinician and that patient: the emergency access and the reads it allowed.
    await page.getByRole('combobox', { name: 'User', exact: true }).click();
    await page.getByRole('option', { name: 'clinician', exact: true }).click();
    await page.getByLabel(/^Patient id/).fill(patient);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/agent=Practitioner/);
    // Every row found is the clinician's, on that patient (the previous page stays on screen until they arrive).
    const mine = (texts: string[]) => texts.every((t) => t.includes('clinician') && t.includes(`Patient/${patient}`));
    await expect.poll(async () => mine(await rows.allTextContents()), { timeout: 10_000 }).toBe(true);
    expect(await rows.count()).toBeGreaterThan(1);
    const glass = rows.filter({ hasText: 'break the glass' });
    expect(await glass.count()).toBe(1);
    expect(await glass.textContent()).toMatch(/Execute.*Emergency access.*Success/);
    // The chart it opened: one $everything, its resources listed under a disclosure beyond the first few.
    const chart = rows.filter({ hasText: 'operation $everything' });
    expect(await chart.count()).toBe(1);
    expect(await chart.textContent()).toMatch(/Execute.*more/);
    await expectAccessible(page, 'audit log');
    await screenshot(page, 'admin-audit');

    // The patient's accounting of disclosures, downloaded: the clinician's emergency access is in it.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Accounting of disclosures (CSV)' }).click(),
    ]);
    const csv = await new Promise<string>((resolve, reject) => {
      void download.createReadStream().then((stream) => {
        let text = '';
        stream.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
        });
        stream.on('end', () => resolve(text));
        stream.on('error', reject);
      }, reject);
    });
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('when,who,action,what,outcome,purpose');
    const emergency = lines.filter((l) => l.includes('clinician (Practitioner/') && l.includes('Emergency Override'));
    expect(emergency).toHaveLength(1);
    expect(emergency[0]).toMatch(new RegExp(`,Patient/${patient},success,ETREAT$`));
    expect(lines.some((l) => l.includes('clinician') && l.includes('execute $everything'))).toBe(true);

    // Break-the-glass review: the clinician's access waits; reviewed with a note, it leaves the queue.
    await nav.getByRole('link', { name: 'Break-the-glass review' }).click();
    const grants = page.getByTestId('break-glass-grant');
    await expect.poll(() => grants.count(), { timeout: 10_000 }).toBe(1);
    expect(await grants.first().textContent()).toMatch(
      new RegExp(`clinician.*Patient/${patient}.*Covering the emergency clinic`),
    );
    await expectAccessible(page, 'break-the-glass review');
    await screenshot(page, 'admin-break-glass');
    await page.getByRole('button', { name: `Review the access of clinician to Patient/${patient}` }).click();
    const review = page.getByRole('dialog', { name: 'Review an emergency access' });
    await review
      .getByLabel(/^Review note/)
      .fill('Checked with the emergency clinic roster: the clinician was on duty.');
    await expectAccessible(page, 'review dialog');
    await review.getByRole('button', { name: 'Mark reviewed' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('The access is marked reviewed.');
    await expect.poll(() => page.getByText('Nothing is waiting for review.').count()).toBe(1);
    await page.getByLabel('Show reviewed ones too').check();
    await expect.poll(() => grants.count()).toBe(1);
    expect(await grants.first().textContent()).toMatch(/Reviewed .*the clinician was on duty/);

    // Its audit trail link opens the search for that user and patient.
    await page.getByRole('link', { name: `Audit trail of clinician for Patient/${patient}` }).click();
    await page.waitForURL(new RegExp(`/administration/audit\\?.*patient=${patient}`));
    await expect.poll(() => rows.filter({ hasText: 'break the glass' }).count(), { timeout: 10_000 }).toBe(1);
    await context.close();
  });
});
