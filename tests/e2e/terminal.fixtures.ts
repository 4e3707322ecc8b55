// The terminal of a TP page or the bac à sable, as the browser tests use it: waiting for the
// sandbox to be ready, and typing commands whose end a marker shows.
import { expect, type Page } from '@playwright/test';

/** Waits until the page's terminal is connected to a ready sandbox (a cold start may take minutes). */
export async function terminalReady(page: Page, timeout = 180_000): Promise<void> {
  await expect(page.locator('[data-terminal-pane]')).toHaveAttribute('data-state', 'ready', { timeout });
}

/**
 * Types these lines in the terminal (its tab first, on a page with tabs) and waits for `marker`,
 * printed once the last one succeeded. Quotes split the marker on the command line, so only the
 * output shows it whole.
 */
export async function typeInTerminal(page: Page, lines: string[], marker: string, timeout = 120_000): Promise<void> {
  const tab = page.locator('[data-tab="terminal"]');
  if ((await tab.count()) > 0) await tab.click();
  await page.locator('.xterm').click();
  const done = `echo ${marker.slice(0, 2)}''${marker.slice(2)}`;
  for (const [i, line] of lines.entries()) {
    await page.keyboard.type(`${i === lines.length - 1 ? `${line} && ${done}` : line}\n`);
  }
  await expect(page.locator('.xterm-rows')).toContainText(marker, { timeout });
}
