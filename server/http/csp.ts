// The Content-Security-Policy's script hashes: the only inline script the site runs is the one
// reveal.js's notes plugin writes into the speaker view's window (which inherits the deck's
// policy), so its hash is computed from the plugin's own source at start.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runInNewContext } from 'node:vm';

/** `'sha256-…'` sources of the inline scripts in the speaker view; empty if reveal.js changed shape. */
export function speakerViewScriptHashes(): string[] {
  try {
    const file = createRequire(import.meta.url).resolve('reveal.js/plugin/notes');
    const source = readFileSync(file.replace(/notes\.js$/, 'notes.mjs'), 'utf8');
    const start = source.indexOf('.document.write("');
    if (start < 0) return [];
    // The template is one double-quoted string literal: find where it ends, then evaluate it alone.
    let end = start + '.document.write("'.length;
    while (end < source.length && source[end] !== '"') end += source[end] === '\\' ? 2 : 1;
    const literal = source.slice(start + '.document.write('.length, end + 1);
    const html = runInNewContext(literal, {}, { timeout: 1000 }) as string;
    return [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
      (m) =>
        `'sha256-${createHash('sha256')
          .update(m[1] ?? '')
          .digest('base64')}'`,
    );
  } catch {
    return [];
  }
}
