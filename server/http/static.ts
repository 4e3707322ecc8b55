// Serves the built Astro site from dist/: safe path resolution, content types, caching.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.xml': 'application/xml',
};

const securityHeaders = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'SAMEORIGIN',
};

async function fileAt(root: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const candidate = path.resolve(root, '.' + path.posix.normalize(decoded));
  if (candidate !== root && !candidate.startsWith(root + path.sep)) return undefined;
  for (const file of [candidate, path.join(candidate, 'index.html')]) {
    try {
      if ((await stat(file)).isFile()) return file;
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

export function createStaticHandler(siteDir: string) {
  const root = path.resolve(siteDir);
  return async (req: IncomingMessage, res: ServerResponse, urlPath: string): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('Méthode non autorisée.');
      return;
    }
    // /decks/x redirects to /decks/x/ so relative links in pages resolve.
    if (!path.extname(urlPath) && !urlPath.endsWith('/') && (await fileAt(root, urlPath + '/'))) {
      res.writeHead(301, { location: urlPath + '/' });
      res.end();
      return;
    }
    const file = await fileAt(root, urlPath);
    const status = file ? 200 : 404;
    const target = file ?? (await fileAt(root, '/404.html'));
    if (!target) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...securityHeaders });
      res.end('Page introuvable. Le site est-il construit ? Lancez « npm start ».');
      return;
    }
    const info = await stat(target);
    const immutable = target.includes(`${path.sep}_astro${path.sep}`);
    res.writeHead(status, {
      'content-type': types[path.extname(target)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...securityHeaders,
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(target).pipe(res);
  };
}
