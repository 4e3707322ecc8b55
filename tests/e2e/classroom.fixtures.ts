// The instructor's side of the classroom's browser tests: signed in on /formateur/ (its page
// errors collected), and a class made through the API with that page's cookie.
import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';

export const instructorPassword = process.env.E2E_INSTRUCTOR_PASSWORD ?? 'formateur-e2e';

/** The instructor, signed in on the page; its page errors go into `errors`. */
export async function signedInInstructor(
  browser: Browser,
  errors: string[],
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => errors.push(`formateur : ${error.message}`));
  await page.goto('/formateur/');
  await page.getByLabel(/Mot de passe/).fill(instructorPassword);
  await page.getByRole('button', { name: /Se connecter/ }).click();
  await expect(page.getByRole('button', { name: /Se déconnecter/ })).toBeVisible();
  return { context, page };
}

/** A class of five seats on tp-images, made with the instructor page's cookie. */
export async function createClass(instructor: Page, title: string): Promise<{ id: string; code: string }> {
  const created = await instructor.request.post('/api/classes', {
    data: { title, labs: ['tp-images'], seats: 5 },
  });
  expect(created.status()).toBe(201);
  return (await created.json()) as { id: string; code: string };
}

/**
 * Waits until the join page shows the recovery code (a busy server makes it wait and try again);
 * fails with the page's own message when it refused the join.
 */
export async function expectJoined(page: Page): Promise<void> {
  const joined = page.getByText(/Notez ce code/);
  const refused = page.locator('[data-join-form] [data-form-error]');
  await expect(joined.or(refused).filter({ visible: true })).toHaveCount(1, { timeout: 90_000 });
  if (await refused.isVisible()) throw new Error(`la page a refusé l’inscription : ${await refused.textContent()}`);
}
