// The bac-à-sable page in Chromium: a student types `docker run hello-world` in the browser
// terminal and sees its greeting.
import { expect, test } from '@playwright/test';

test('on the bac-à-sable page, docker run hello-world greets the student', async ({ page }, testInfo) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/bac-a-sable/');
  const pane = page.locator('[data-terminal-pane]');
  await expect(pane).toHaveAttribute('data-state', 'ready', { timeout: 120_000 });
  await expect(page.locator('[data-terminal-status]')).toHaveText('Prêt');
  await expect(page.locator('[data-terminal-time]')).toContainText('Temps restant');
  await page.locator('.xterm').click();
  await page.keyboard.type('docker run hello-world\n');
  await expect(page.locator('.xterm-rows')).toContainText('Bonjour depuis Docker !', { timeout: 60_000 });
  await page.screenshot({ path: testInfo.outputPath('bac-a-sable.png') });

  // A reload gets the same shell back (same session, same screen).
  await page.reload();
  await expect(pane).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(page.locator('.xterm-rows')).toContainText('Bonjour depuis Docker !', { timeout: 30_000 });
  expect(errors).toEqual([]);
});
