import { join } from 'node:path';
import { expect, screenshotDir, test } from './fixtures';

test('home screen opens, switches to Hindi and back, and shows the chain status', async ({ page, app }) => {
  await page.goto(app.url);

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mitra Desk');
  await expect(page.getByTestId('mode-badge')).toHaveText('TRAINING');
  // The token left the address bar once read.
  await expect(page).toHaveURL(`${app.origin}/`);
  // The status strip is fed by health.snapshot: the storage probe has run.
  await expect(page.locator('[data-link="storage"]')).toHaveAttribute('data-status', 'ok');

  await page.getByRole('button', { name: 'हिन्दी' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('मित्र डेस्क');
  await expect(page.getByTestId('mode-badge')).toHaveText('प्रशिक्षण');
  await expect(page.locator('html')).toHaveAttribute('lang', 'hi');
  await expect(page.locator('[data-link="storage"]')).toContainText('स्टोरेज');
  // The bundled Devanagari font is loaded, not a system fallback (kiosks are offline).
  expect(await page.evaluate(() => document.fonts.check('700 16px "Noto Sans Devanagari"', 'मित्र'))).toBe(true);
  await page.screenshot({ path: join(screenshotDir, 'home-hi.png'), fullPage: true });

  // The choice is kept: a reload comes back in Hindi.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('मित्र डेस्क');

  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mitra Desk');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  // In training mode every link is checked against the simulated scanner and portal.
  for (const link of ['scanner', 'rdService', 'network', 'portal', 'state', 'storage']) await expect(page.locator(`.status-strip [data-link="${link}"]`)).toHaveAttribute('data-status', 'ok');
  await expect(page.getByText('Everything is working.')).toBeVisible();
  await page.screenshot({ path: join(screenshotDir, 'home-en.png'), fullPage: true });

  await page.getByTestId('tile-queue').click();
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Queue');
});

test('keyboard: Alt+L switches language and every control is reachable with Tab', async ({ page, app }) => {
  await page.goto(app.url);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mitra Desk');
  await page.keyboard.press('Alt+l');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('मित्र डेस्क');
  await page.keyboard.press('Alt+l');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mitra Desk');

  const focused: string[] = [];
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    focused.push(await page.evaluate(() => document.activeElement?.textContent?.trim() ?? ''));
  }
  expect(focused).toContain('हिन्दी');
  expect(focused.some((text) => text.startsWith('Storage'))).toBe(true);
});

test('the page refuses to run without the access key and the API refuses a missing token', async ({ page, app }) => {
  await page.goto(`${app.origin}/`);
  await expect(page.getByRole('alert')).toContainText('address it printed');
  const status = await page.evaluate(async () => (await fetch('/api/app.info', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' })).status);
  expect(status).toBe(401);
});
