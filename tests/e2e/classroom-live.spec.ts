// A class in three browsers: the instructor and two students. The students join with the code
// and follow the instructor's slides; a student's check turns their dashboard row green; the
// instructor watches a terminal, takes the keyboard once the student accepts; a message to the
// class reaches both students' pages.
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';

import { terminalReady } from './terminal.fixtures.ts';

import { createClass, expectJoined, signedInInstructor } from './classroom.fixtures.ts';

async function student(browser: Browser, code: string, name: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`/rejoindre/?code=${code}`);
  await page
    .getByLabel(/Votre nom|Nom/)
    .first()
    .fill(name);
  await page.getByRole('button', { name: /Rejoindre/ }).click();
  await expectJoined(page);
  return { context, page };
}

test('a class: follow the slides, a check on the dashboard, watch and take over, a message', async ({ browser }) => {
  test.setTimeout(600_000);
  const errors: string[] = [];
  // The instructor signs in on the page, then makes a class (through the API, with the page's cookie).
  const { context: teacherContext, page: teacher } = await signedInInstructor(browser, errors);
  const { id, code } = await createClass(teacher, 'Docker — e2e');

  const alice = await student(browser, code, 'Alice');
  const bob = await student(browser, code, 'Bob');
  for (const s of [alice, bob]) s.page.on('pageerror', (error) => errors.push(`élève : ${error.message}`));

  // The students open the deck; the instructor presents it and moves on: they follow.
  for (const s of [alice, bob]) {
    await s.page.goto('/decks/images-de-conteneurs/?transition=none');
    await expect(s.page.locator('html')).toHaveAttribute('data-deck-ready', 'true');
  }
  await teacher.goto(`/formateur/cours/?id=${id}`);
  await expect(teacher.locator('[data-join-code]')).toHaveText(code);
  await teacher.evaluate((classId) => localStorage.setItem('cours-docker:presenting', JSON.stringify({ classId })), id);
  const deck = await teacherContext.newPage();
  await deck.goto('/decks/images-de-conteneurs/?transition=none');
  await expect(deck.locator('html')).toHaveAttribute('data-deck-ready', 'true');
  // The instructor's deck opens its feed as the instructor before it is driven.
  await deck.waitForTimeout(1000);
  await deck.locator('.reveal').focus();
  await deck.keyboard.press('ArrowRight');
  await deck.keyboard.press('ArrowRight');
  for (const s of [alice, bob]) await expect(s.page).toHaveURL(/#\/2(\/0)?$/, { timeout: 10_000 });
  // A student who browses away stops following, and comes back with « Suivre le formateur ».
  await bob.page.locator('.reveal').focus();
  await bob.page.keyboard.press('ArrowRight');
  await expect(bob.page.locator('[data-follow-instructor]')).toBeVisible();
  await deck.keyboard.press('ArrowRight');
  await expect(alice.page).toHaveURL(/#\/3(\/0)?$/);
  await bob.page.locator('[data-follow-instructor]').click();
  await expect(bob.page).toHaveURL(/#\/3(\/0)?$/);
  await deck.close();

  // Alice does the first step of TP Images: her row turns green on the dashboard.
  await alice.page.goto('/tp/tp-images/');
  await terminalReady(alice.page);
  await alice.page.locator('.xterm').click();
  await alice.page.keyboard.type("docker pull -q debian:bookworm && echo TI''RE\n");
  await expect(alice.page.locator('.xterm-rows')).toContainText('TIRE', { timeout: 120_000 });
  const step = alice.page.locator('[data-step="pull-debian"]');
  await step.getByRole('button', { name: 'Vérifier' }).click();
  await expect(step.locator('[data-result]')).toHaveAttribute('data-passed', 'true', { timeout: 30_000 });
  const learner = await alice.page.evaluate(() => {
    const stored = JSON.parse(localStorage.getItem('cours-docker:class') ?? '{}') as { learner?: string };
    return stored.learner ?? '';
  });
  const row = learner
    ? teacher.locator(`[data-student-row="${learner}"]`)
    : teacher.locator('[data-student-row]', { hasText: 'Alice' });
  await expect(row).toHaveAttribute('data-passed', 'true', { timeout: 10_000 });

  // The instructor watches Alice's terminal: what she types shows there.
  await row.locator('[data-watch]').click();
  const watched = teacher.locator('[data-watch-terminal]');
  await expect(alice.page.locator('[data-watched-banner]')).toBeVisible();
  await alice.page.locator('.xterm').click();
  await alice.page.keyboard.type("echo regarde''-moi\n");
  await expect(watched).toContainText('regarde-moi', { timeout: 10_000 });

  // Taking the keyboard needs Alice's consent.
  await teacher.locator('[data-take-control]').click();
  await alice.page.locator('[data-control-accept]').click();
  await expect(teacher.locator('[data-release-control]')).toBeVisible();
  await watched.click();
  await teacher.keyboard.type("echo aide-du-''formateur\n");
  await expect(alice.page.locator('.xterm-rows')).toContainText('aide-du-formateur', { timeout: 10_000 });
  await teacher.locator('[data-release-control]').click();
  await expect(teacher.locator('[data-take-control]')).toBeVisible();

  // A message to the class reaches both students' pages (TP and deck).
  await teacher.locator('[data-broadcast-text]').fill('Pause café : reprise à 10 h 30');
  await teacher.locator('[data-broadcast-send]').click();
  for (const s of [alice, bob]) {
    await expect(s.page.locator('[data-class-message]')).toContainText('Pause café : reprise à 10 h 30', {
      timeout: 10_000,
    });
  }

  expect(errors).toEqual([]);
  for (const context of [teacherContext, alice.context, bob.context]) await context.close();
});
