// The built Astro site from dist/, with the brotli and gzip copies made at build time
// (server/site/compress.ts), long caching for hashed assets, and the site's 404 page.
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

export interface SiteOptions {
  siteDir: string;
}

export const siteRoutes: FastifyPluginAsync<SiteOptions> = async (app, options) => {
  const root = path.resolve(options.siteDir);
  await app.register(fastifyStatic, {
    root,
    preCompressed: true,
    // /decks/x answers 301 to /decks/x/ so the page's relative links resolve.
    redirect: true,
    wildcard: true,
    cacheControl: false,
    dotfiles: 'ignore',
    setHeaders(reply, file) {
      const immutable = file.includes(`${path.sep}_astro${path.sep}`);
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
};
