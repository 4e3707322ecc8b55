// The course's order in the browser: the deck's link to a later part of a TP opens that step,
// a step links to the slide it practises, a final challenge offers neither hint nor solution,
// and the TP ends with its « À retenir ».
import { expect, test } from '@playwright/test';

test('a deck link to a part of a TP opens its step, which links back to its slides', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/decks/images-de-conteneurs/#/registry-usage');
  await expect(page.locator('html[data-deck-ready="true"]')).toHaveCount(1);
  await expect(page.locator('section.present:not(.stack) h3')).toHaveText('Utilisation du Docker Registry');

  // The TP link placed after the registry slides opens the registry step, not the first one.
  await page.goto('/tp/tp-images/#registre');
  const registre = page.locator('[data-step="registre"]');
  await expect(registre.locator('details')).toHaveAttribute('open', '');
  await expect(page.locator('[data-step="pull-debian"] details')).not.toHaveAttribute('open', '');
  await expect(registre.locator('summary')).toContainText(/≈ \d+ min/);

  // The step names the slides it practises; the link opens the deck on that slide.
  const slideLink = registre.locator('.step-slides a').last();
  await expect(slideLink).toHaveAttribute('href', '/decks/images-de-conteneurs/#/registry-usage');
  await page.goto((await slideLink.getAttribute('href')) ?? '');
  await expect(page.locator('html[data-deck-ready="true"]')).toHaveCount(1);
  await expect(page.locator('section.present:not(.stack) h3')).toHaveText('Utilisation du Docker Registry');

  // A final challenge: no hint, no solution; the TP ends with what to remember.
  await page.goto('/tp/tp-images/#defi');
  const defi = page.locator('[data-step="defi"]');
  await expect(defi.locator('details')).toHaveAttribute('open', '');
  await expect(defi.locator('summary')).toContainText('Défi');
  await expect(defi.getByRole('button', { name: /Indice/ })).toHaveCount(0);
  await expect(defi.getByRole('button', { name: 'Voir la solution' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'À retenir' })).toBeVisible();
  expect(errors).toEqual([]);
});
