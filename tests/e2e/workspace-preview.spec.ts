// The « Aperçu web » tab in Chromium: a student runs Apache in the sandbox, sees port 8080 listed,
// and its page in the embedded preview (served from the preview origin, not the course's own).
import { expect, test } from '@playwright/test';

import { terminalReady, typeInTerminal } from './terminal.fixtures.ts';

test('a student opens the preview of their Apache container and sees the page', async ({ page }) => {
  test.setTimeout(300_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/bac-a-sable/');
  await terminalReady(page);
  await typeInTerminal(page, ['docker run -d -q --name web -p 8080:80 httpd >/dev/null'], 'LANCE');

  await page.locator('[data-tab="preview"]').click();
  const port = page.locator('[data-port="8080"]');
  await expect(port).toBeVisible({ timeout: 30_000 });
  // « Ouvrir » leads to the preview origin, another port of the same host.
  const open = port.locator('[data-preview-open]');
  const href = (await open.getAttribute('href')) ?? '';
  const course = new URL(page.url());
  const preview = new URL(href, page.url());
  expect(preview.hostname).toBe(course.hostname);
  expect(preview.port).not.toBe(course.port);
  expect(preview.pathname).toMatch(/^\/preview\/[a-f0-9]+\/8080\/$/);

  await port.locator('[data-preview-show]').click();
  const frame = page.frameLocator('[data-preview-frame]');
  await expect(frame.locator('h1')).toHaveText('It works!', { timeout: 30_000 });
  expect(errors).toEqual([]);
});
