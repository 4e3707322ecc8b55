// The instructor's hand on the class from the dashboard: closing joins keeps a newcomer out,
// « Retirer » (after confirmation) takes a student out — their row goes, their open page says
// so and leaves the class — and « Renommer » changes a name, refusing a classmate's look-alike.
import { expect, test, type Browser, type Page } from '@playwright/test';

import { createClass, expectJoined, signedInInstructor } from './classroom.fixtures.ts';

async function joinPage(browser: Browser, code: string, name: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`/rejoindre/?code=${encodeURIComponent(code)}`);
  await page.getByLabel(/Votre nom/).fill(name);
  await page.getByRole('button', { name: /Rejoindre/ }).click();
  return page;
}

test('remove, rename and lock out from the dashboard', async ({ browser }) => {
  const errors: string[] = [];
  const { page: teacher } = await signedInInstructor(browser, errors);
  const { id, code } = await createClass(teacher, 'Docker — retirer un élève');

  // Typed in lower case with spaces, the code still works.
  const alice = await joinPage(browser, code.toLowerCase().replace(/-/g, ' '), 'Alice');
  alice.on('pageerror', (error) => errors.push(`élève : ${error.message}`));
  await expectJoined(alice);
  const bob = await joinPage(browser, code, 'Bob');
  await expectJoined(bob);
  // Alice follows the class on the deck page (its feed is open).
  await alice.goto('/decks/images-de-conteneurs/?transition=none');
  await expect(alice.locator('html')).toHaveAttribute('data-deck-ready', 'true');

  await teacher.goto(`/formateur/cours/?id=${id}`);
  const aliceRow = teacher.locator('[data-student-row]').filter({ hasText: 'Alice' });
  const bobRow = teacher.locator('[data-student-row]').filter({ hasText: 'Bob' });
  await expect(aliceRow).toBeVisible();
  await expect(bobRow).toBeVisible();

  // Closing joins: a newcomer is refused in French; opening again lets them in.
  await teacher.getByRole('button', { name: 'Fermer les inscriptions' }).click();
  await expect(teacher.getByText(/Inscriptions fermées : le code/)).toBeVisible();
  const late = await joinPage(browser, code, 'Chloé');
  await expect(late.getByText(/Le formateur a fermé ce cours aux nouveaux élèves/)).toBeVisible();
  await teacher.getByRole('button', { name: 'Rouvrir les inscriptions' }).click();
  await expect(teacher.getByText(/Inscriptions fermées : le code/)).toBeHidden();

  // Renaming Bob to a look-alike of Alice's name is refused; to another name, done.
  teacher.once('dialog', (dialog) => void dialog.accept('ALICE'));
  await bobRow.getByRole('button', { name: 'Renommer' }).click();
  await expect(teacher.getByText(/Ce nom ressemble trop à celui d’un autre élève/)).toBeVisible();
  teacher.once('dialog', (dialog) => void dialog.accept('Bob Martin'));
  await bobRow.getByRole('button', { name: 'Renommer' }).click();
  await expect(teacher.locator('[data-student-row]').filter({ hasText: 'Bob Martin' })).toBeVisible();

  // Dismissing the confirmation keeps Alice; accepting it removes her.
  teacher.once('dialog', (dialog) => void dialog.dismiss());
  await aliceRow.getByRole('button', { name: 'Retirer' }).click();
  await expect(aliceRow).toBeVisible();
  let asked = '';
  teacher.once('dialog', (dialog) => {
    asked = dialog.message();
    void dialog.accept();
  });
  await aliceRow.getByRole('button', { name: 'Retirer' }).click();
  await expect(aliceRow).toHaveCount(0);
  expect(asked).toMatch(/^Retirer Alice du cours \?/);
  await expect(teacher.getByText('Alice a été retiré du cours.')).toBeVisible();
  await expect(alice.getByText(/Le formateur vous a retiré du cours/)).toBeVisible({ timeout: 15_000 });
  // Her browser left the class: the join page offers to join again.
  await alice.goto('/rejoindre/');
  await expect(alice.getByRole('button', { name: /Rejoindre/ })).toBeVisible();
  await expect(teacher.locator('[data-student-row]')).toHaveCount(1);
  expect(errors).toEqual([]);
});
