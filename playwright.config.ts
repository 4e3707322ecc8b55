// Browser tests in Debian's Chromium, against the real server (site, API, sandboxes).
import { defineConfig } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 4399);
export const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results/e2e',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  workers: 1,
  fullyParallel: false,
  reporter: [['list'], ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? 'test-results/e2e.json' }]],
  use: {
    baseURL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: {
    command: 'node server/main.ts',
    url: `${baseURL}/api/health`,
    timeout: 900_000,
    reuseExistingServer: false,
    // SIGTERM lets the server remove its sandboxes (the warm pool included) before it exits.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      POOL_SIZE: '1',
      // Every test opens its own sessions and leaves them to the idle reaper: room for all of them.
      MAX_SESSIONS: '30',
      SESSIONS_PER_CLIENT: '30',
      SESSIONS_PER_CLIENT_PER_MINUTE: '100',
      DATA_DIR: 'test-results/e2e-data',
      INSTRUCTOR_PASSWORD: process.env.E2E_INSTRUCTOR_PASSWORD ?? 'formateur-e2e',
    },
  },
});
