// Brotli and gzip copies of the built site's text files, made once at build time so the server
// sends them compressed without spending CPU per request (@fastify/static's preCompressed).
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);
const compressible = new Set(['.html', '.js', '.mjs', '.css', '.svg', '.json', '.txt', '.xml', '.map']);
/** Below this size compression saves less than the headers cost. */
const minBytes = 1024;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(async (e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)])),
  );
  return nested.flat();
}

/** Writes file.br and file.gz beside every compressible file; returns bytes before and after (brotli). */
export async function compressSite(siteDir: string): Promise<{ files: number; rawBytes: number; brotliBytes: number }> {
  let files = 0;
  let rawBytes = 0;
  let brotliBytes = 0;
  for (const file of await filesUnder(siteDir)) {
    if (!compressible.has(path.extname(file)) || (await stat(file)).size < minBytes) continue;
    const content = await readFile(file);
    const [br, gzipped] = await Promise.all([
      brotli(content, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
        },
      }),
      gz(content, { level: 9 }),
    ]);
    await Promise.all([writeFile(`${file}.br`, br), writeFile(`${file}.gz`, gzipped)]);
    files++;
    rawBytes += content.length;
    brotliBytes += br.length;
  }
  return { files, rawBytes, brotliBytes };
}
