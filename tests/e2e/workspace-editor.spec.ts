// A student writes the TP Dockerfile in the « Éditeur » tab: a French lint diagnostic inline
// while typing, fixed, saved, then built in the terminal; the prompt when the terminal changed
// the file meanwhile (« Recharger », then « Écraser »), search and replace; and files and folders
// in and out of the sandbox.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';

import { terminalReady, typeInTerminal } from './terminal.fixtures.ts';

const folder = '/root/tp-dockerfile';
const dockerfile = `${folder}/Dockerfile`;

async function openWorkspace(page: Page): Promise<void> {
  await page.goto('/tp/tp-dockerfile/');
  await terminalReady(page);
  await page.locator('[data-tab="editor"]').click();
  // The TP's folder is listed, open and selected from the start.
  await expect(page.locator(`[data-file-tree] [data-file="${folder}"]`)).toHaveAttribute('aria-expanded', 'true', {
    timeout: 60_000,
  });
}

/** Types a command in the terminal tab and waits for `marker`. */
async function inTerminal(page: Page, command: string, marker: string, timeout = 30_000): Promise<void> {
  await typeInTerminal(page, [command], marker, timeout);
}

test('TP Dockerfile written in the editor: inline lint, save, build, conflict with the terminal', async ({ page }) => {
  test.setTimeout(600_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await openWorkspace(page);

  // « Nouveau fichier » asks for the name inside the panel.
  await page.getByRole('button', { name: 'Nouveau fichier' }).click();
  await page.getByLabel('Nom du nouveau fichier').fill(dockerfile);
  await page.getByRole('button', { name: 'Créer', exact: true }).click();
  await expect(page.locator('[data-editor-path]')).toHaveText(dockerfile);
  await expect(page.locator(`[data-file="${dockerfile}"]`)).toBeVisible();
  const code = page.locator('[data-editor] .cm-content');
  await expect(code).toBeFocused();

  // A base image without a version: the linter's French message, on its line, with its rule id.
  await page.keyboard.type('FROM debian:latest\n');
  await expect(page.locator('[data-editor] .cm-lintRange').first()).toBeVisible({ timeout: 15_000 });
  const count = page.locator('[data-lint-count]');
  await expect(count).toHaveText('1 avertissement');
  await expect(count).toHaveAttribute('data-lint-count', '1');
  await expect(page.locator('[data-editor-dirty]')).toBeVisible();
  await page.locator('[data-editor] .cm-lintRange').first().hover();
  const tooltip = page.locator('.cm-tooltip-lint');
  await expect(tooltip).toContainText('ne désigne pas une version précise');
  await expect(tooltip).toContainText('DL3007');

  // Fixed: Enter indents after a `\` and comes back after the last one.
  await code.click();
  await page.keyboard.press('ControlOrMeta+a');
  for (const line of [
    'FROM debian:bookworm',
    'RUN apt-get update \\',
    '&& apt-get install -y --no-install-recommends apache2 \\',
    '&& rm -rf /var/lib/apt/lists/*',
    'COPY index.html /var/www/html/index.html',
    'COPY start.sh /start.sh',
    'EXPOSE 80',
    'ENTRYPOINT ["/start.sh"]',
  ]) {
    await page.keyboard.type(line);
    await page.keyboard.press('Enter');
  }
  await expect(count).toHaveAttribute('data-lint-count', '0', { timeout: 15_000 });
  await expect(count).toHaveText('Aucun problème détecté');
  await expect(page.locator('[data-editor] .cm-lintRange')).toHaveCount(0);
  await page.keyboard.press('ControlOrMeta+s');
  await expect(page.locator('[data-editor-dirty]')).toBeHidden();
  await expect(page.locator('[data-editor-status]')).toContainText('enregistré');

  // Built in the terminal, and the step's check accepts it.
  await inTerminal(page, 'cd /root/tp-dockerfile && docker build -q -t mon-apache:1.0 .', 'CONSTRUITE', 300_000);
  const step1 = page.locator('[data-step="dockerfile-apache"]');
  await step1.getByRole('button', { name: 'Vérifier' }).click();
  await expect(step1.locator('[data-result]')).toHaveAttribute('data-passed', 'true', { timeout: 30_000 });

  // The layers of the image just built, in « Couches »: the base, then one per RUN and COPY.
  await page.locator('[data-tab="layers"]').click();
  const image = page.locator('[data-layers-image]');
  await expect(image.locator('option[value="mon-apache:1.0"]')).toBeAttached({ timeout: 30_000 });
  await image.selectOption('mon-apache:1.0');
  await expect(page.locator('[data-layer]')).toHaveCount(4, { timeout: 60_000 });
  await expect(page.locator('[data-layers-tab], [data-tab-panel="layers"]').first()).toContainText('apt-get install');

  // Unsaved changes in the editor while the terminal changes the file: saving asks.
  await page.locator('[data-tab="editor"]').click();
  await code.click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type('# ajout de l’éditeur');
  await inTerminal(page, "echo '# ajout du terminal' >> /root/tp-dockerfile/Dockerfile", 'AJOUTE');
  await page.locator('[data-tab="editor"]').click();
  await page.locator('[data-editor-save]').click();
  const conflict = page.locator('[data-conflict]');
  await expect(conflict).toContainText(
    'Le fichier a changé dans le terminal depuis son ouverture : écraser ou recharger ?',
  );
  await conflict.getByRole('button', { name: 'Recharger' }).click();
  await expect(conflict).toHaveCount(0);
  await expect(code).toContainText('# ajout du terminal');
  await expect(code).not.toContainText('# ajout de l’éditeur');
  await expect(page.locator('[data-editor-dirty]')).toBeHidden();

  // Again, and this time the editor's version wins.
  await code.click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type('# version editeur');
  await inTerminal(page, "echo '# encore le terminal' >> /root/tp-dockerfile/Dockerfile", 'AJOUTE2');
  await page.locator('[data-tab="editor"]').click();
  // Ctrl+S is the editor's: the focus goes back into the text first.
  await code.click();
  await page.keyboard.press('ControlOrMeta+s');
  await conflict.getByRole('button', { name: 'Écraser' }).click();
  await expect(page.locator('[data-editor-dirty]')).toBeHidden();
  await inTerminal(
    page,
    "grep -q 'version editeur' /root/tp-dockerfile/Dockerfile && ! grep -q 'encore le terminal' /root/tp-dockerfile/Dockerfile",
    'ECRASE',
  );

  // Search and replace, in French: Ctrl+F, then « tout remplacer ».
  await page.locator('[data-tab="editor"]').click();
  await code.click();
  await page.keyboard.press('ControlOrMeta+f');
  const find = page.getByRole('textbox', { name: 'Rechercher' });
  await expect(find).toBeFocused();
  await find.fill('apache2');
  await page.getByRole('textbox', { name: 'Remplacer par' }).fill('nginx');
  await page.getByRole('button', { name: 'tout remplacer' }).click();
  await expect(code).toContainText('--no-install-recommends nginx');
  await expect(code).not.toContainText('apache2');
  await expect(page.locator('[data-editor-dirty]')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(find).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('files in and out: upload into the TP folder, download a file and the folder', async ({ page }) => {
  test.setTimeout(300_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await openWorkspace(page);
  await expect(page.locator('[data-current-folder]')).toHaveText(folder);

  await page
    .locator('[data-upload]')
    .setInputFiles({ name: 'notes-e2e.txt', mimeType: 'text/plain', buffer: Buffer.from('envoyé depuis le bureau\n') });
  await expect(page.locator(`[data-file="${folder}/notes-e2e.txt"]`)).toBeVisible({ timeout: 30_000 });
  await inTerminal(page, "grep -q 'depuis le bureau' /root/tp-dockerfile/notes-e2e.txt", 'RECU');

  // A whole folder, its sub-folders kept.
  const picked = mkdtempSync(path.join(tmpdir(), 'dossier-e2e-'));
  mkdirSync(path.join(picked, 'site/css'), { recursive: true });
  writeFileSync(path.join(picked, 'site/index.html'), '<h1>Mon site</h1>\n');
  writeFileSync(path.join(picked, 'site/css/style.css'), 'h1 { color: teal; }\n');
  await page.locator('[data-upload-folder]').setInputFiles(path.join(picked, 'site'));
  await expect(page.locator('[data-editor-status]')).toContainText('2 fichiers sur 2 envoyés', { timeout: 30_000 });
  await inTerminal(
    page,
    "grep -q teal /root/tp-dockerfile/site/css/style.css && grep -q 'Mon site' /root/tp-dockerfile/site/index.html",
    'DOSSIER',
  );
  rmSync(picked, { recursive: true, force: true });

  await page.locator('[data-tab="editor"]').click();
  await page.locator(`[data-file="${folder}/index.html"] > .tree-row`).click();
  await expect(page.locator('[data-editor-path]')).toHaveText(`${folder}/index.html`);
  let downloading = page.waitForEvent('download');
  await page.locator('[data-download]').click();
  let download = await downloading;
  expect(download.suggestedFilename()).toBe('index.html');
  const saved = await download.path();
  expect(saved).toBeTruthy();

  // The folder comes as a tar; selecting it by keyboard (← goes up to the parent folder).
  await page.locator(`[data-file="${folder}/index.html"]`).focus();
  await page.keyboard.press('ArrowLeft');
  await expect(page.locator(`[data-file="${folder}"]`)).toBeFocused();
  downloading = page.waitForEvent('download');
  await page.locator('[data-download]').click();
  download = await downloading;
  expect(download.suggestedFilename()).toBe('tp-dockerfile.tar');
  expect(errors).toEqual([]);
});
