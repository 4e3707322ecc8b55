// Fixtures of the deck specs: the expected slide count from the deck's source, and a page that
// records console errors and failed requests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { splitDeckSource } from '../../content/deck-loader.ts';
import { countSlides, parseDeck } from '../../content/deck-parse.ts';

export const deckPath = '/decks/images-de-conteneurs/';

/** Slides of the source deck as rebuilt in slides/ (7 sections, 76 slides when this was written). */
export const expectedSlides = countSlides(
  parseDeck(
    splitDeckSource(readFileSync(path.resolve(import.meta.dirname, '../../slides/images-de-conteneurs.md'), 'utf8'))
      .body,
  ),
);

export const test = base.extend<{ deckPage: Page; problems: string[] }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as a pattern.
  problems: async ({}, use) => {
    await use([]);
  },
  deckPage: async ({ page, problems }, use) => {
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
    page.on('requestfailed', (request) => problems.push(`request: ${request.url()}`));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    await page.goto(`${deckPath}?transition=none`);
    try {
      await expect(page.locator('html[data-deck-ready="true"]')).toHaveCount(1);
    } catch (error) {
      // Once seen in a whole run and never alone: say what the page had reached, to know why.
      const state = await page
        .evaluate(() => ({
          readyState: document.readyState,
          wrapper: document.querySelector('.reveal')?.className,
          scripts: [...document.scripts].map((s) => s.src).filter(Boolean),
        }))
        .catch((e: unknown) => String(e));
      throw new Error(`deck not ready: ${JSON.stringify({ state, problems })}`, { cause: error });
    }
    await use(page);
  },
});

export { expect };
