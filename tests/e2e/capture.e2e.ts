import { join } from 'node:path';
import { expect, screenshotDir, test } from './fixtures';

test('capture panel: attempt, quality and guidance, then success (training scanner)', async ({ page, app }) => {
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Fingerprint', exact: true }).click();

  const panel = page.getByTestId('capture-panel');
  await expect(panel).toHaveAttribute('data-phase', 'capturing');
  await expect(page.getByTestId('device-line')).toContainText('MFS100');
  await expect(page.getByTestId('device-line')).toContainText('Simulated scanner');
  await expect(page.getByTestId('attempt')).toHaveText('right thumb · Attempt 1 of 3');
  await expect(page.locator('[data-finger="RIGHT_THUMB"]')).toHaveAttribute('data-state', 'current');

  // The training scanner's first print is faint: the panel says so and asks again.
  await page.getByRole('button', { name: 'Capture', exact: true }).click();
  await expect(page.getByTestId('quality-bar')).toHaveAttribute('data-value', '24');
  await expect(page.getByRole('meter')).toHaveAttribute('aria-valuetext', 'Quality 24 (needs 40)');
  await expect(page.getByTestId('guidance')).toContainText('Only the tip was read (quality 24, needs 40)');
  await expect(page.getByTestId('attempt')).toHaveText('right thumb · Attempt 2 of 3');
  await page.screenshot({ path: join(screenshotDir, 'capture-retry.png'), fullPage: true });

  // Keyboard: the Capture button keeps focus, Enter captures again; the second print passes.
  await page.getByRole('button', { name: 'Capture', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(panel).toHaveAttribute('data-phase', 'accepted');
  await expect(page.getByTestId('quality-bar')).toHaveAttribute('data-value', '68');
  await expect(page.getByTestId('guidance')).toHaveText('Fingerprint captured. Quality 68.');
  await expect(page.locator('[data-finger="RIGHT_THUMB"]')).toHaveAttribute('data-state', 'accepted');
  await page.screenshot({ path: join(screenshotDir, 'capture-accepted.png'), fullPage: true });

  // Hindi: the same state, in Hindi.
  await page.getByRole('button', { name: 'हिन्दी' }).click();
  await expect(page.getByTestId('guidance')).toHaveText('फ़िंगरप्रिंट ले लिया गया। गुणवत्ता 68।');
});

test.describe(() => {
  // Every print is faint.
  test.use({ settings: { training: { rdScript: { captures: [{ qScore: 15, nmPoints: 20 }] } } } });

  test('choosing another finger on the hand diagram, and the rotation after repeated faint prints', async ({ page, app }) => {
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Fingerprint', exact: true }).click();
    await page.locator('[data-finger="LEFT_INDEX"]').click();
    await expect(page.getByTestId('attempt')).toHaveText('left index finger · Attempt 1 of 3');
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Capture', exact: true }).click();
    // Three faint prints on the chosen finger: the panel moves on to the rotation's first finger.
    await expect(page.getByTestId('guidance')).toContainText('Now try the right thumb');
    await expect(page.locator('[data-finger="LEFT_INDEX"]')).toHaveAttribute('data-state', 'tried');
    await expect(page.locator('[data-finger="RIGHT_THUMB"]')).toHaveAttribute('data-state', 'current');
  });
});

test.describe(() => {
  test.use({ settings: { training: { rdScript: { status: 'USED' } } } });

  test('status view names the broken link when the scanner is held by another program', async ({ page, app }) => {
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Status', exact: true }).click();
    const section = page.getByTestId('device-section');
    await expect(section.locator('[data-diagnosis]')).toHaveAttribute('data-diagnosis', 'in-use');
    await expect(section).toContainText('held by another program');
    await expect(page.locator('.status-strip [data-link="scanner"]')).toHaveAttribute('data-status', 'warn');
    await page.getByRole('button', { name: 'Fingerprint', exact: true }).click();
    await page.getByRole('button', { name: 'Capture', exact: true }).click();
    await expect(page.getByTestId('capture-panel')).toHaveAttribute('data-phase', 'device-problem');
    await expect(page.getByTestId('guidance')).toContainText('Another program is using the scanner');
  });
});
