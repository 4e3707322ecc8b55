// Builds the Astro site when dist/ is missing or older than its sources, so `npm start` works
// on a fresh clone and after an edit, and skips the build otherwise.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compressSite } from './compress.ts';

const projectRoot = path.resolve(import.meta.dirname, '../..');
const sources = ['src', 'shared', 'content', 'slides', 'labs', 'public', 'astro.config.mjs', 'package-lock.json'];
const stampName = '.build-stamp';

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const info = statSync(target);
  if (!info.isDirectory()) return info.mtimeMs;
  return readdirSync(target).reduce((max, name) => Math.max(max, newestMtime(path.join(target, name))), info.mtimeMs);
}

export function siteUpToDate(siteDir: string): boolean {
  const stamp = path.join(siteDir, stampName);
  if (!existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return sources.every((s) => newestMtime(path.join(projectRoot, s)) <= built);
}

export async function ensureSiteBuilt(siteDir: string, log: (line: string) => void): Promise<'built' | 'up-to-date'> {
  if (siteUpToDate(siteDir)) {
    log('[site] déjà construit et à jour');
    return 'up-to-date';
  }
  log('[site] construction du site (astro build)…');
  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'node_modules/astro/bin/astro.mjs'), 'build'], {
      cwd: projectRoot,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`la construction du site a échoué (code ${code}) : voir les messages ci-dessus`)),
    );
  });
  const { files, rawBytes, brotliBytes } = await compressSite(siteDir);
  log(
    `[site] ${files} fichiers précompressés (brotli, gzip) : ${(rawBytes / 1024).toFixed(0)} Kio → ${(brotliBytes / 1024).toFixed(0)} Kio`,
  );
  writeFileSync(path.join(siteDir, stampName), new Date().toISOString());
  log(`[site] construit en ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 'built';
}
