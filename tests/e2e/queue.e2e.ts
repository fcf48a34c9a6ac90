import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { generateFamilies, registrableMembers } from '../../src/main/portal/simulator/data';
import { expect, screenshotDir, test, type ServedApp } from './fixtures';

/** Record registrations through the app's own API (the registration workflow screens come later). */
async function addRegistrations(page: Page, app: ServedApp, count: number, seed: number) {
  const members = registrableMembers(generateFamilies(seed), 'BR').slice(0, count);
  for (const member of members) {
    const status = await page.evaluate(
      async ({ token, body }) => (await fetch('/api/queue.add', { method: 'POST', headers: { 'Content-Type': 'application/json', 'x-mitra-token': token }, body: JSON.stringify(body) })).status,
      {
        token: app.token,
        body: { kind: 'inpatient', patient: { beneficiaryId: member.beneficiaryId, name: member.name, state: 'BR' }, admittedAt: new Date().toISOString(), verification: { method: 'none-confirmed', confirmedBy: 'Dr. Sinha' } },
      },
    );
    expect(status).toBe(200);
  }
  return members;
}

test.describe(() => {
  test.use({ settings: { sync: { breakerThreshold: 2, probeMs: 300, maxProbeMs: 1_000, baseDelayMs: 200 }, training: { portalSeed: 7 } } });

  test('queue screen: a backlog builds during a portal outage, then drains when it returns', async ({ page, app }) => {
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Queue', exact: true }).click();
    await expect(page.getByText('No registrations yet.')).toBeVisible();

    await page.getByRole('button', { name: 'Portal outage' }).click();
    await expect(page.getByTestId('training-current')).toContainText('outage');
    const members = await addRegistrations(page, app, 4, 7);

    await expect(page.getByTestId('portal-link')).toHaveAttribute('data-portal', /offline|probing/);
    await expect(page.getByTestId('count-waiting')).toHaveAttribute('data-count', '4');
    await expect(page.getByTestId('queue-summary')).toContainText('Oldest waiting');
    await expect(page.locator('[data-testid="entry-error"]').first()).toContainText('The portal is not answering');
    // The portal dropped the connections: it is the portal that is named, not the desk's network.
    await expect(page.locator('.status-strip [data-link="portal"]')).toHaveAttribute('data-status', 'down');
    await expect(page.locator('.status-strip [data-link="network"]')).toHaveAttribute('data-status', 'ok');
    for (const member of members) await expect(page.locator('.entry', { hasText: member.name })).toBeVisible();
    await page.screenshot({ path: join(screenshotDir, 'queue-outage.png'), fullPage: true });

    await page.getByRole('button', { name: 'Portal back to normal' }).click();
    await expect(page.getByTestId('count-waiting')).toHaveAttribute('data-count', '0', { timeout: 15_000 });
    await expect(page.getByTestId('portal-link')).toHaveAttribute('data-portal', 'online');
    await expect(page.locator('.status-strip [data-link="portal"]')).toHaveAttribute('data-status', 'ok');
    await expect(page.locator('[data-testid="entry-state"]', { hasText: 'Registered' })).toHaveCount(4);
    await expect(page.locator('[data-testid="countdown"]').first()).toContainText('Portal may cancel in');
    await page.screenshot({ path: join(screenshotDir, 'queue-drained.png'), fullPage: true });
  });
});

test.describe(() => {
  // The simulated portal cancels unattended registrations after 2 seconds; the watchdog looks every second.
  test.use({ settings: { watchdog: { pollSeconds: 1 }, training: { portalSeed: 8, portalLifetimeMinutes: 2 / 60 } } });

  test('a registration the portal cancels is raised at once and re-submitted in one action', async ({ page, app }) => {
    await page.goto(app.url);
    const [member] = await addRegistrations(page, app, 1, 8);
    // The operator is on the home screen: the cancellation reaches them there.
    const anywhere = page.getByTestId('alerts-bar');
    await expect(anywhere).toContainText(`${member!.name}`, { timeout: 15_000 });
    await expect(anywhere).toContainText('was cancelled by the portal');
    await anywhere.getByRole('button', { name: 'Queue', exact: true }).click();
    const alert = page.getByTestId('cancelled-alert');
    await expect(alert).toContainText(`${member!.name}`, { timeout: 15_000 });
    await expect(alert).toContainText('was cancelled by the portal');
    // The portal's own words are kept and shown.
    await expect(page.locator('.entry[data-state="cancelled-by-portal"] [data-testid="cancelled-reason"]')).toContainText("The portal's reason: Cancelled by the portal: no pre-authorisation");
    await page.screenshot({ path: join(screenshotDir, 'queue-cancelled.png'), fullPage: true });

    await page.getByRole('button', { name: 'हिन्दी' }).click();
    await expect(alert).toContainText('पोर्टल ने रद्द कर दिया');
    await page.getByRole('button', { name: 'English' }).click();

    await alert.getByRole('button', { name: 'Re-submit' }).click();
    await expect(alert).toHaveCount(0);
    await expect(page.locator('.entry[data-state="resubmitted"]')).toContainText('Re-submitted as a new registration');
    await expect(page.locator('.entry[data-state="registered"]')).toContainText('Re-submission of an earlier registration', { timeout: 10_000 });
  });
});

test.describe(() => {
  test.use({ settings: { sync: { probeMs: 300, maxProbeMs: 1_000 }, training: { portalSeed: 9 } } });

  test('the desk login refused: one alert on every screen, entries wait, and they go by themselves once fixed', async ({ page, app }) => {
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Queue', exact: true }).click();
    await page.getByRole('button', { name: 'Desk login refused' }).click();
    await expect(page.getByTestId('training-current')).toContainText('credentials');
    await addRegistrations(page, app, 3, 9);
    const fault = page.getByTestId('desk-fault');
    await expect(fault).toContainText("Registrations on hold: the portal refuses this desk's login", { timeout: 15_000 });
    await expect(page.locator('.status-detail')).toContainText("The portal refuses this desk's login.");
    await expect(page.locator('.status-strip [data-link="portal"]')).toHaveAttribute('data-status', 'down');
    await expect(page.getByTestId('count-waiting')).toHaveAttribute('data-count', '3');
    await expect(page.locator('.entry[data-state="needs-action"]')).toHaveCount(0); // nothing for the operator to do entry by entry
    await page.getByRole('button', { name: 'Home', exact: true }).click();
    await expect(fault).toBeVisible(); // on every screen
    await page.getByRole('button', { name: 'हिन्दी' }).click();
    await expect(fault).toContainText('पंजीकरण रुके हुए हैं');
    await page.getByRole('button', { name: 'English' }).click();
    await page.screenshot({ path: join(screenshotDir, 'queue-desk-fault.png') });

    await page.getByRole('button', { name: 'Queue', exact: true }).click();
    await page.getByRole('button', { name: 'Portal back to normal' }).click();
    await expect(fault).toHaveCount(0, { timeout: 15_000 });
    await expect(page.getByTestId('count-waiting')).toHaveAttribute('data-count', '0', { timeout: 15_000 });
    await expect(page.locator('.entry[data-state="registered"]')).toHaveCount(3);
  });
});
