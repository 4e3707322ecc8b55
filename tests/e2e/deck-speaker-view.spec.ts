// The speaker view and the presenter mode in Chromium: the speaker view is French, its previews
// show the slides alone, it and the deck window follow each other both ways (fragments too), and
// the presenter mode shows the slides alone, filling the window.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Frame, Page } from '@playwright/test';
import { splitDeckSource } from '../../content/deck-loader.ts';
import { parseDeck } from '../../content/deck-parse.ts';
import { deckPath, expect, expectedSlides, test } from './deck.fixtures.ts';

/** Slides per section of the source deck, for the « n / total » the speaker view shows. */
const sectionSizes = parseDeck(
  splitDeckSource(readFileSync(path.resolve(import.meta.dirname, '../../slides/images-de-conteneurs.md'), 'utf8')).body,
).map((slides) => slides.length);
const firstSection = sectionSizes[0] ?? 0;

/** Index, in reading order, of the slide a deck (window or preview) shows. */
function shownSlide(target: Page | Frame): Promise<number> {
  return target.evaluate(() =>
    [...document.querySelectorAll('.reveal .slides section:not(:has(> section))')].findIndex((el) =>
      el.classList.contains('present'),
    ),
  );
}

/** Fragments shown on the present slide. */
function shownFragments(target: Page | Frame): Promise<number> {
  return target.evaluate(() => document.querySelectorAll('.reveal .slides section.present .fragment.visible').length);
}

function preview(speaker: Page, name: 'speaker-current' | 'speaker-upcoming'): Frame {
  const frame = speaker.frame({ name });
  if (!frame) throw new Error(`the speaker view has no ${name} preview`);
  return frame;
}

/** Opens the speaker view with `open` and waits for both previews to be ready. */
async function openSpeakerView(page: Page, open: () => Promise<void>, problems: string[]): Promise<Page> {
  const popup = page.waitForEvent('popup');
  await open();
  const speaker = await popup;
  speaker.on('console', (message) => {
    if (message.type() === 'error') problems.push(`speaker console: ${message.text()}`);
  });
  speaker.on('pageerror', (error) => problems.push(`speaker page: ${error.message}`));
  await speaker.waitForLoadState();
  for (const name of ['speaker-current', 'speaker-upcoming']) {
    await expect(speaker.frameLocator(`iframe[name="${name}"]`).locator('html[data-deck-ready="true"]')).toHaveCount(1);
    await expect(speaker.locator(`iframe[name="${name}"]`)).not.toHaveClass(/is-loading/);
  }
  return speaker;
}

test('the speaker view opens from « Présentateur », in French, with previews of the slides alone', async ({
  deckPage: page,
  problems,
}) => {
  const speaker = await openSpeakerView(
    page,
    () => page.getByRole('button', { name: 'Présentateur', exact: true }).click(),
    problems,
  );
  await expect(speaker.locator('html')).toHaveAttribute('lang', 'fr');
  for (const name of ['Diapositive actuelle', 'Suivante', 'Notes', 'Temps écoulé', 'Heure']) {
    await expect(speaker.getByRole('heading', { name, exact: true })).toBeVisible();
  }
  await expect(speaker.getByRole('button', { name: /Cliquez pour remettre à zéro/ })).toBeVisible();
  await expect(speaker.getByLabel('Disposition')).toBeVisible();
  await expect(speaker.locator('#speaker-position-value')).toHaveText(`1 / ${expectedSlides}`);
  await expect(speaker.locator('#speaker-clock-value')).toHaveText(/^\d{2}:\d{2}$/);
  await expect(speaker.locator('body')).not.toContainText(/Upcoming|Click to Reset|Layout|Speaker View|Pacing/);

  // The first slide's notes, in the speaker view only: the audience never sees them.
  const notes = page.locator('.reveal .slides section:not(:has(> section))').first().locator('aside.notes');
  await expect(notes).toBeHidden();
  const firstWords = ((await notes.textContent()) ?? '').trim().slice(0, 40);
  expect(firstWords).not.toBe('');
  await expect(speaker.locator('.speaker-controls-notes')).toContainText(firstWords);

  for (const name of ['speaker-current', 'speaker-upcoming'] as const) {
    const frame = speaker.frameLocator(`iframe[name="${name}"]`);
    await expect(frame.locator('.course-header')).toHaveCount(0);
    await expect(frame.locator('.deck-toolbar, .course-footer, #deck-menu')).toHaveCount(0);
    await expect(frame.locator('.reveal .controls')).toBeHidden();
    await expect(frame.locator('.deck-viewport')).toBeVisible();
  }
  expect(await shownSlide(preview(speaker, 'speaker-current'))).toBe(0);
  expect(await shownSlide(preview(speaker, 'speaker-upcoming'))).toBe(1);

  await speaker.getByRole('button', { name: 'Raccourcis clavier' }).click();
  await expect(speaker.getByRole('dialog', { name: /Raccourcis clavier/ })).toBeVisible();
  await speaker.keyboard.press('Escape');
  await expect(speaker.getByRole('dialog')).toBeHidden();
  expect(problems).toEqual([]);
});

test('→ in the speaker view moves the deck window, and the deck window moves the speaker view', async ({
  deckPage: page,
  problems,
}) => {
  const speaker = await openSpeakerView(page, () => page.keyboard.press('s'), problems);
  const position = speaker.locator('#speaker-position-value');

  await speaker.keyboard.press('ArrowRight');
  await expect.poll(() => shownSlide(page)).toBe(firstSection);
  await expect(position).toHaveText(`${firstSection + 1} / ${expectedSlides}`);
  await expect.poll(() => shownSlide(preview(speaker, 'speaker-current'))).toBe(firstSection);
  await expect.poll(() => shownSlide(preview(speaker, 'speaker-upcoming'))).toBe(firstSection + 1);

  await page.keyboard.press('ArrowDown');
  await expect.poll(() => shownSlide(page)).toBe(firstSection + 1);
  await expect(position).toHaveText(`${firstSection + 2} / ${expectedSlides}`);
  await expect.poll(() => shownSlide(preview(speaker, 'speaker-current'))).toBe(firstSection + 1);

  await speaker.getByRole('button', { name: 'Diapositive précédente' }).click();
  await expect.poll(() => shownSlide(page)).toBe(firstSection);
  await expect(position).toHaveText(`${firstSection + 1} / ${expectedSlides}`);

  // B blacks out the audience's screen from the speaker view, and says so there.
  await speaker.keyboard.press('b');
  await expect(page.locator('.reveal.paused')).toHaveCount(1);
  await expect(speaker.getByRole('button', { name: 'Écran noir pour le public' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await speaker.keyboard.press('b');
  await expect(page.locator('.reveal.paused')).toHaveCount(0);
  expect(problems).toEqual([]);
});

test('fragments follow both ways too', async ({ page, context }) => {
  // The deck has no fragments today: make every list item of the slides one, in every window.
  await context.route(
    (url) => url.pathname === deckPath,
    async (route) => {
      const response = await route.fetch();
      const html = await response.text();
      const menuAt = html.indexOf('<nav id="deck-menu"');
      const body = html.slice(0, menuAt).replaceAll('<li>', '<li class="fragment">') + html.slice(menuAt);
      const headers = Object.fromEntries(
        Object.entries(response.headers()).filter(
          ([name]) => !['content-encoding', 'content-length', 'transfer-encoding'].includes(name),
        ),
      );
      await route.fulfill({ response, headers, body });
    },
  );
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
  // The second slide of the first section is a list.
  await page.goto(`${deckPath}?transition=none#/0/1`);
  await expect(page.locator('html[data-deck-ready="true"]')).toHaveCount(1);
  await expect(page.locator('.reveal .slides section.present .fragment').first()).toBeAttached();
  const speaker = await openSpeakerView(page, () => page.keyboard.press('s'), problems);
  const current = preview(speaker, 'speaker-current');
  const upcoming = preview(speaker, 'speaker-upcoming');
  await expect.poll(() => shownFragments(current)).toBe(0);
  await expect.poll(() => shownFragments(upcoming)).toBe(1);

  await speaker.keyboard.press('Space');
  await expect.poll(() => shownFragments(page)).toBe(1);
  await expect.poll(() => shownFragments(current)).toBe(1);
  await expect.poll(() => shownFragments(upcoming)).toBe(2);

  await page.keyboard.press('Space');
  await expect.poll(() => shownFragments(current)).toBe(2);
  await page.keyboard.press('Shift+Space');
  await expect.poll(() => shownFragments(current)).toBe(1);
  expect(await shownSlide(page)).toBe(1);
  expect(problems).toEqual([]);
});

test('the presenter mode shows the slides alone, filling the window, and gives the page back', async ({
  deckPage: page,
  problems,
}) => {
  await page.getByRole('button', { name: 'Présenter', exact: true }).click();
  await expect(page.locator('html[data-deck-mode="presenter"]')).toHaveCount(1);
  await expect(page.locator('.course-header')).toBeHidden();
  await expect.poll(() => page.evaluate(() => new URL(location.href).searchParams.has('presenter'))).toBe(true);
  // The slides fill the window, whether the browser granted full screen or not.
  await expect
    .poll(() =>
      page.evaluate(() => {
        const box = document.querySelector('.deck-viewport')?.getBoundingClientRect();
        return box ? Math.abs(box.height - innerHeight) + Math.abs(box.width - innerWidth) + box.top : -1;
      }),
    )
    .toBeLessThan(2);
  await expect(page.locator('aside.notes').first()).toBeHidden();
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => shownSlide(page)).toBe(firstSection);

  await page.getByRole('button', { name: 'Quitter la présentation' }).click();
  await expect(page.locator('.course-header')).toBeVisible();
  await expect(page.locator('html[data-deck-mode="normal"]')).toHaveCount(1);
  expect(await page.evaluate(() => new URL(location.href).searchParams.has('presenter'))).toBe(false);

  // ?presenter opens straight in the mode (a reload keeps it).
  await page.goto(`${deckPath}?presenter&transition=none#/1`);
  await expect(page.locator('html[data-deck-ready="true"]')).toHaveCount(1);
  await expect(page.locator('.course-header')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Quitter la présentation' })).toBeAttached();
  expect(await shownSlide(page)).toBe(firstSection);
  expect(problems).toEqual([]);
});
