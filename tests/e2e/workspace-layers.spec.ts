// The « Couches » tab in Chromium: a student builds an image in the terminal, and sees its
// layers, the one a later layer makes wasteful, and each layer's files; after a rebuild under
// the same tag, « Rafraîchir » shows the new layers.
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

import { terminalReady, typeInTerminal } from './terminal.fixtures.ts';

test('a student builds an image and reads its layers in the « Couches » tab', async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/bac-a-sable/');
  await terminalReady(page);

  // Two layers from scratch (nothing to pull): the second overwrites the first one's 2 Mo file.
  await typeInTerminal(
    page,
    [
      'mkdir -p /root/couches && cd /root/couches',
      'head -c 2000000 /dev/urandom > gros.bin && echo petit > petit.txt',
      "printf 'FROM scratch\\nCOPY gros.bin /data/fichier\\nCOPY petit.txt /data/fichier\\n' > Dockerfile",
      'docker build -q -t couches:1 . > /dev/null',
    ],
    'CONSTRUITE-UN',
  );

  await page.locator('[data-tab="layers"]').click();
  const select = page.locator('[data-layers-image]');
  await expect(select.locator('option', { hasText: 'couches:1' })).toBeAttached();
  await select.selectOption('couches:1');
  await expect(page.locator('[data-efficiency]')).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('[data-efficiency]')).not.toHaveText(/^100/);

  // Top first: the last COPY is on top, the wasteful layer under it.
  const rows = page.locator('[data-layer]');
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toHaveAttribute('data-layer', '1');
  const wasteful = page.locator('[data-layer="0"]');
  await expect(wasteful).toHaveAttribute('data-wasted', 'true');
  await expect(wasteful).toContainText('COPY gros.bin /data/fichier');
  await expect(wasteful).toContainText('ils pèsent encore dans l’image');
  await expect(wasteful).toContainText('/data/fichier');
  await expect(page.locator('[data-layer="1"]')).toHaveAttribute('data-wasted', 'false');

  // A layer's files, filtered by change.
  await page.locator('[data-layer="1"] .layer-toggle').click();
  const files = page.locator('[data-layer-files]');
  await expect(files).toContainText('fichier');
  await expect(files).toContainText('modifié');
  await files.locator('[data-layer-change]').selectOption('added');
  await expect(files).toContainText('Aucun fichier de cette couche ne correspond.');
  await files.locator('[data-layer-change]').selectOption('');
  await files.locator('[data-layer-filter]').fill('/data/fich');
  await expect(files.locator('.tree-file')).toHaveCount(1);
  await page.screenshot({ path: testInfo.outputPath('couches.png') });

  const axe = await new AxeBuilder({ page })
    .include('[data-workspace]')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  // The same tag rebuilt with one layer only: « Rafraîchir » reads the new image.
  await typeInTerminal(
    page,
    [
      "printf 'FROM scratch\\nCOPY petit.txt /data/fichier\\n' > Dockerfile",
      'docker build -q -t couches:1 . > /dev/null',
    ],
    'CONSTRUITE-DEUX',
  );
  await page.locator('[data-tab="layers"]').click();
  await page.locator('[data-layers-refresh]').click();
  await expect(rows).toHaveCount(1, { timeout: 60_000 });
  await expect(page.locator('[data-efficiency]')).toHaveText(/^100/);
  await expect(page.locator('[data-layer="0"]')).toHaveAttribute('data-wasted', 'false');
  expect(errors).toEqual([]);
});
