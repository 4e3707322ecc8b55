// A student does the first two steps of TP Dockerfile in Chromium: typing in the terminal and
// with "▶ Exécuter", a red French answer for a wrong attempt, green for a right one, and the
// progress still there after a reload.
import { expect, test } from '@playwright/test';

import { terminalReady } from './terminal.fixtures.ts';

test('TP Dockerfile: the first two steps, checked in French, with progress kept', async ({ page }, testInfo) => {
  test.setTimeout(600_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/tp/tp-dockerfile/');
  await terminalReady(page);

  const step1 = page.locator('[data-step="dockerfile-apache"]');
  const step2 = page.locator('[data-step="lancer-web"]');
  const check1 = step1.getByRole('button', { name: 'Vérifier' });
  await expect(check1).toBeEnabled();

  // A wrong attempt: nothing built yet.
  await check1.click();
  const result1 = step1.locator('[data-result]');
  await expect(result1).toHaveAttribute('data-passed', 'false', { timeout: 30_000 });
  await expect(result1).toContainText(/mon-apache:1\.0/);

  // Hints come one at a time; the solution needs a confirmation.
  await step1.getByRole('button', { name: /Indice/ }).click();
  await expect(step1.locator('[data-hint-index="0"]')).toBeVisible();
  await expect(step1.locator('[data-hint-index="1"]')).toBeHidden();
  page.once('dialog', (dialog) => void dialog.dismiss());
  await step1.getByRole('button', { name: 'Voir la solution' }).click();
  await expect(step1.locator('[data-solution-body]')).toBeHidden();

  // "▶ Exécuter" types a command block into the terminal.
  await step1
    .locator('.command-block', { hasText: 'cd /root/tp-dockerfile' })
    .getByRole('button', { name: '▶ Exécuter' })
    .click();
  await expect(page.locator('.xterm-rows')).toContainText('cd /root/tp-dockerfile');

  // The student types the Dockerfile and builds it.
  await page.locator('.xterm').click();
  const dockerfile = [
    "cat > Dockerfile <<'FIN'",
    'FROM debian:bookworm',
    'RUN apt-get update && apt-get install -y --no-install-recommends apache2 && rm -rf /var/lib/apt/lists/*',
    'COPY index.html /var/www/html/index.html',
    'COPY start.sh /start.sh',
    'EXPOSE 80',
    'ENTRYPOINT ["/start.sh"]',
    'FIN',
    // Quotes split the marker on the command line, so only the output shows it whole.
    "docker build -q -t mon-apache:1.0 . && echo CONSTR''UITE",
  ];
  for (const line of dockerfile) await page.keyboard.type(line + '\n');
  await expect(page.locator('.xterm-rows')).toContainText('CONSTRUITE', { timeout: 300_000 });
  await check1.click();
  await expect(result1).toHaveAttribute('data-passed', 'true', { timeout: 30_000 });
  await expect(step1.locator('[data-done]')).toBeVisible();

  // Step 2, with the "▶ Exécuter" button of its first command.
  await expect(step2.locator('details')).toHaveAttribute('open', '');
  await step2
    .locator('.command-block', { hasText: 'docker run -d --name web' })
    .getByRole('button', { name: '▶ Exécuter' })
    .click();
  await page.waitForTimeout(2000);
  await step2.getByRole('button', { name: 'Vérifier' }).click();
  await expect(step2.locator('[data-result]')).toHaveAttribute('data-passed', 'true', { timeout: 30_000 });
  await expect(page.locator('[data-progress-label]')).toHaveText('2 / 15 étapes réussies');
  await page.screenshot({ path: testInfo.outputPath('tp-dockerfile.png') });

  // The progress survives a reload, and the same sandbox comes back.
  await page.reload();
  await expect(page.locator('[data-progress-label]')).toHaveText('2 / 15 étapes réussies');
  await expect(step1.locator('[data-done]')).toBeVisible();
  await expect(page.locator('[data-terminal-pane]')).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(page.locator('.xterm-rows')).toContainText('CONSTRUITE');
  expect(errors).toEqual([]);
});

test('progress comes back from the server when the browser lost its copy', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/tp/tp-images/');
  await terminalReady(page);
  const step = page.locator('[data-step="pull-debian"]');
  await step
    .locator('.command-block', { hasText: 'docker pull debian:bookworm' })
    .first()
    .getByRole('button', { name: '▶ Exécuter' })
    .click();
  await expect(page.locator('.xterm-rows')).toContainText(/Status: (Downloaded|Image is up to date)/, {
    timeout: 60_000,
  });
  await step.getByRole('button', { name: 'Vérifier' }).click();
  await expect(step.locator('[data-result]')).toHaveAttribute('data-passed', 'true', { timeout: 30_000 });
  // The browser forgets its copy (another device, cleared storage): the server still has it.
  await page.evaluate(() => localStorage.removeItem('cours-docker:progress:tp-images'));
  await page.reload();
  await expect(step.locator('[data-done]')).toBeVisible({ timeout: 15_000 });
  await expect(page.locator('[data-progress-label]')).toContainText(/^1 \//);
});
