// The deck in Chromium: every slide reached with the keyboard, nothing broken, nothing cut.
import { deckPath, expect, expectedSlides, test } from './deck.fixtures.ts';

test('the deck has every slide of the source, and the keyboard walks through all of them', async ({
  deckPage: page,
  problems,
}, testInfo) => {
  expect(expectedSlides).toBe(80);
  const leaves = page.locator('.reveal .slides section:not(:has(> section))');
  await expect(leaves).toHaveCount(expectedSlides);
  expect(await page.evaluate(() => (window as unknown as { Reveal?: unknown }).Reveal)).toBeUndefined();

  const seen = new Set<string>();
  const overflowing: string[] = [];
  for (let i = 0; i < expectedSlides; i++) {
    const present = page.locator('.reveal .slides section.present:not(:has(> section))');
    await expect(present).toHaveCount(1);
    const where = await page.evaluate(() => {
      const all = [...document.querySelectorAll('.reveal .slides section:not(:has(> section))')];
      return String(all.findIndex((el) => el.classList.contains('present')));
    });
    seen.add(where);
    // A slide whose content is taller or wider than the 1280x720 slide would be cut on a projector.
    const fits = await present.evaluate((el) => el.scrollHeight <= 722 && el.scrollWidth <= 1282);
    if (!fits) overflowing.push(where);
    if ([0, 1, 10, 40].includes(i)) {
      await page.screenshot({ path: testInfo.outputPath(`slide-${i + 1}.png`) });
    }
    await page.keyboard.press('Space');
    await page.waitForFunction(
      (before) =>
        [...document.querySelectorAll('.reveal .slides section:not(:has(> section))')].findIndex((el) =>
          el.classList.contains('present'),
        ) !== Number(before) ||
        before === String(document.querySelectorAll('.reveal .slides section:not(:has(> section))').length - 1),
      where,
    );
  }
  expect(seen.size).toBe(expectedSlides);
  expect(overflowing).toEqual([]);
  expect(problems).toEqual([]);
});

test('every image of the deck loads', async ({ deckPage: page, problems }) => {
  const images = page.locator('.reveal img');
  expect(await images.count()).toBeGreaterThan(10);
  const broken = await page.evaluate(async () => {
    const all = [...document.querySelectorAll<HTMLImageElement>('.reveal img')];
    await Promise.all(
      all.map((img) =>
        img.complete ? Promise.resolve() : new Promise((r) => img.addEventListener('load', r, { once: true })),
      ),
    );
    return all.filter((img) => img.naturalWidth === 0).map((img) => img.src);
  });
  expect(broken).toEqual([]);
  expect(problems).toEqual([]);
});

test('a small-code slide has a smaller code font than a normal one', async ({ deckPage: page }) => {
  const size = (selector: string) =>
    page
      .locator(selector)
      .first()
      .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  const small = await size('section.deck-state-small-code pre');
  const medium = await size('section.deck-state-medium-code pre');
  const normal = await size('section:not([class*="deck-state"]) > pre');
  expect(small).toBeLessThan(medium);
  expect(medium).toBeLessThan(normal);
});

test('deep links open the slide they name, and the table of contents jumps to a section', async ({ page }) => {
  await page.goto(`${deckPath}#/1/2`);
  await expect(page.locator('html[data-deck-ready="true"]')).toHaveCount(1);
  await expect(page.locator('.slide-number')).toHaveText(/^\s*2\s*\.\s*3\s*$/);
  await page.getByRole('button', { name: /Sommaire/ }).click();
  await page.locator('#deck-menu').getByRole('link', { name: 'Dockerfile', exact: true }).first().click();
  await expect(page.locator('section.present h2').first()).toHaveText('Dockerfile');
  await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#\/2/);
});

test('the overview opens with Escape', async ({ deckPage: page }) => {
  await page.keyboard.press('Escape');
  await expect(page.locator('.reveal.overview')).toHaveCount(1);
});

test('the speaker view opens for the instructor, with the notes', async ({ deckPage: page, context }) => {
  const popup = context.waitForEvent('page');
  await page.keyboard.press('s');
  const speaker = await popup;
  await speaker.waitForLoadState();
  await expect(speaker.locator('.speaker-controls-notes')).toBeVisible();
  await expect(speaker.locator('.speaker-controls-notes')).not.toBeEmpty();
});

test('?print-pdf lays out one page per slide', async ({ page }, testInfo) => {
  await page.goto(`${deckPath}?print-pdf`);
  await expect(page.locator('html.reveal-print')).toHaveCount(1);
  await expect(page.locator('.pdf-page')).toHaveCount(expectedSlides);
  await page.pdf({ path: testInfo.outputPath('deck.pdf'), width: '1280px', height: '720px', printBackground: true });
});

test('the home page lists the deck and the TPs, in French', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.getByRole('link', { name: 'Images de conteneurs' })).toBeVisible();
  await expect(page.locator('#tp + ul')).toContainText('TP Docker Images');
  await expect(page.locator('#tp + ul')).toContainText('TP Dockerfile');
});
