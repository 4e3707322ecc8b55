// Accessibility in Chromium: axe (WCAG 2.0 and 2.1, levels A and AA) finds nothing on the home
// page, the deck, a TP page and the bac-à-sable page, with each tab of the workspace opened in
// turn; and the workspace's tabs follow the WAI-ARIA tabs pattern at the keyboard.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

import { terminalReady } from './terminal.fixtures.ts';

const wcag = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const tabs = ['terminal', 'editor', 'preview', 'layers'] as const;

/** axe's violations, each with the selectors of its nodes: enough to find them from the report. */
async function violations(page: Page): Promise<{ id: string; help: string; nodes: string[] }[]> {
  const results = await new AxeBuilder({ page }).withTags(wcag).analyze();
  return results.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

/** Opens a workspace tab and waits until what it shows first is there. */
async function openTab(page: Page, tab: (typeof tabs)[number]): Promise<void> {
  await page.locator(`[data-tab="${tab}"]`).click();
  await expect(page.locator(`[data-tab="${tab}"]`)).toHaveAttribute('aria-selected', 'true');
  const panel = page.locator(`[data-tab-panel="${tab}"]`);
  await expect(panel).toBeVisible();
  if (tab === 'terminal') return;
  await expect(panel).not.toHaveAttribute('aria-busy', 'true');
  await expect(panel).not.toContainText('Chargement de l’onglet');
  if (tab === 'layers') await expect(panel.locator('[data-layers-image] option').first()).toBeAttached();
  if (tab === 'preview')
    await expect(panel.locator('[data-port], .workspace-hint:not([hidden])').first()).toBeVisible();
}

async function expectWorkspaceClean(page: Page, label: string): Promise<void> {
  await terminalReady(page);
  for (const tab of tabs) {
    await openTab(page, tab);
    expect(await violations(page), `${label}, onglet ${tab}`).toEqual([]);
  }
}

test('the home page and the deck have no axe violation', async ({ page }) => {
  await page.goto('/');
  expect(await violations(page), 'accueil').toEqual([]);
  await page.goto('/decks/images-de-conteneurs/?transition=none');
  await expect(page.locator('html[data-deck-ready="true"]')).toHaveCount(1);
  expect(await violations(page), 'diapositives').toEqual([]);
});

test('a TP page has no axe violation, whichever workspace tab is open', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/tp/tp-dockerfile/');
  await expectWorkspaceClean(page, 'TP Dockerfile');
});

test('the bac-à-sable page has no axe violation, whichever workspace tab is open', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/bac-a-sable/');
  await expectWorkspaceClean(page, 'bac à sable');
});

test('the workspace tabs follow the WAI-ARIA tabs pattern at the keyboard', async ({ page }) => {
  await page.goto('/bac-a-sable/');
  const tablist = page.getByRole('tablist', { name: 'Espace de travail' });
  await expect(tablist.getByRole('tab')).toHaveText(['Terminal', 'Éditeur', 'Aperçu web', 'Couches']);
  const terminal = page.locator('[data-tab="terminal"]');
  await expect(terminal).toHaveAttribute('aria-selected', 'true');
  await expect(terminal).toHaveAttribute('aria-controls', 'workspace-panel-terminal');
  // One tab stop: the selected tab; the others are reached with the arrows.
  await expect(page.locator('[role="tab"][tabindex="0"]')).toHaveCount(1);

  await terminal.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('[data-tab="editor"]')).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.locator('[data-tab="layers"]')).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(terminal).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(page.locator('[data-tab="layers"]')).toBeFocused();
  // Moving the focus does not open a tab (its code loads only when asked for): Enter does.
  await expect(terminal).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-tab="layers"]')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('[data-tab-panel="layers"]')).toBeVisible();
  await expect(page.locator('[data-tab-panel="terminal"]')).toBeHidden();
  await page.keyboard.press('Home');
  await expect(terminal).toBeFocused();
  await page.keyboard.press('Space');
  await expect(page.locator('[data-tab-panel="terminal"]')).toBeVisible();
  await expect(page.locator('[data-tab-panel="layers"]')).toBeHidden();
});
