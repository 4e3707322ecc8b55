// Astro configuration: a fully static French site; the Node server in server/ serves dist/.
import { defineConfig } from 'astro/config';

export default defineConfig({
  output: 'static',
  trailingSlash: 'ignore',
  build: { format: 'directory', inlineStylesheets: 'auto' },
  server: { host: '127.0.0.1', port: 4321 },
  devToolbar: { enabled: false },
  prefetch: false,
  vite: {
    build: { chunkSizeWarningLimit: 600 },
  },
});
