// The web preview's host form (PREVIEW_HOST) against the real engine: each port of each session
// is its own host, <id>-<port>.apercu.cours.localhost, that sets its own cookie from a single-use
// ticket; Apache's absolute paths work with no prefix; other sessions, spent tickets and the
// relay are refused; an app's hostile headers are filtered; a WebSocket app answers; and in Chromium (which sends *.localhost to the
// loopback) a student opens the preview from the bac-à-sable page, framed and in a new tab.
import { request as httpRequest } from 'node:http';
import { chromium, type Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPorts, SessionCreated } from '../../shared/contract.ts';
import {
  api,
  createSession,
  freePort,
  leftovers,
  startServer,
  type RunningServer,
  type TerminalClient,
  waitUntil,
} from './harness.ts';
import { echoThrough, startPreviewApps } from './preview-apps.ts';

let server: RunningServer;
let previewPort: number;
let previewHost: string;
let session: SessionCreated;
let other: SessionCreated;
let terminal: TerminalClient;
let browser: Browser | undefined;

beforeAll(async () => {
  previewPort = await freePort();
  // The course on cours.localhost, its previews on *.apercu.cours.localhost: one site, as
  // cours.example.com and *.apercu.example.com would be, so the framed preview keeps its cookie.
  const port = await freePort();
  previewHost = `apercu.cours.localhost:${previewPort}`;
  server = await startServer({
    PORT: String(port),
    PREVIEW_PORT: String(previewPort),
    PREVIEW_HOST: previewHost,
    ALLOWED_ORIGINS: `http://cours.localhost:${port}`,
  });
  [session, other] = await Promise.all([createSession(server), createSession(server)]);
  terminal = await startPreviewApps(server, session);
  // A folder of the site, for Apache's redirect to its trailing slash.
  expect(
    await terminal.run("docker exec web mkdir -p /usr/local/apache2/htdocs/dossier && echo FA''IT", 60_000),
  ).toContain('FAIT');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  terminal.close();
  await server.stop();
  expect(await leftovers()).toEqual([]);
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request to the preview listener as a reverse proxy would pass it: the preview's Host kept. */
function onHost(host: string, path: string, cookie?: string, accept?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: previewPort,
        path,
        headers: { host, ...(cookie ? { cookie } : {}), ...(accept ? { accept } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const hostOf = (s: SessionCreated, port: number) => `${s.id}-${port}.${previewHost}`;

async function ticketOf(s: SessionCreated): Promise<string> {
  const { status, body } = await api(server, 'POST', `/api/sessions/${s.id}/preview`, {
    token: s.token,
    origin: server.base,
  });
  expect(status).toBe(200);
  expect(body.expiresIn).toBe(30);
  return String(body.ticket);
}

/** Trades a ticket on the host for its cookie: `name=value`. */
async function cookieOf(s: SessionCreated, port: number): Promise<string> {
  const traded = await onHost(hostOf(s, port), `/__apercu/${await ticketOf(s)}`);
  expect(traded.status).toBe(303);
  const set = [traded.headers['set-cookie'] ?? []].flat()[0] ?? '';
  return set.split(';')[0] ?? '';
}

describe('the web preview on its own host (PREVIEW_HOST)', () => {
  it('lists each port with its own host, and the course’s pages may frame them', async () => {
    const ports = async () =>
      (await api(server, 'GET', `/api/sessions/${session.id}/ports`, { token: session.token }))
        .body as unknown as SandboxPorts;
    await waitUntil(async () => (await ports()).some((p) => p.port === 9000), 30_000, 'ports listed');
    const web = (await ports()).find((p) => p.port === 8080);
    expect(web?.href).toBe(`http://${hostOf(session, 8080)}/`);
    expect(web?.url).toBe(`/preview/${session.id}/8080/`);
    const home = await fetch(`${server.base}/`);
    expect(home.headers.get('content-security-policy')).toMatch(/frame-src [^;]*\*\.apercu\.cours\.localhost:\d+/);
  });

  it('trades a single-use ticket for a cookie of that host alone', async () => {
    const host = hostOf(session, 8080);
    expect((await onHost(host, '/')).status).toBe(401);
    const ticket = await ticketOf(session);
    const traded = await onHost(host, `/__apercu/${ticket}`);
    expect(traded.status).toBe(303);
    expect(traded.headers.location).toBe('/');
    const set = String([traded.headers['set-cookie']].flat()[0]);
    expect(set).toMatch(/^cours_apercu=[\w-]+; /);
    expect(set).toMatch(/Path=\/;/);
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Lax/);
    expect(set).not.toMatch(/Domain=/i);
    const cookie = set.split(';')[0] ?? '';
    // Spent: without the cookie it gives nothing; with it, a reload lands on the page again.
    const spent = await onHost(host, `/__apercu/${ticket}`);
    expect(spent.status).toBe(403);
    expect((JSON.parse(spent.body) as { error: string }).error).toMatch(/expiré ou a déjà servi/);
    // A browser gets it as a French page, which only the course may frame.
    const shown = await onHost(host, `/__apercu/${ticket}`, undefined, 'text/html,*/*');
    expect(shown.status).toBe(403);
    expect(shown.headers['content-type']).toMatch(/^text\/html/);
    expect(shown.body).toContain('<html lang="fr">');
    expect(shown.body).toContain('expiré ou a déjà servi');
    expect(String(shown.headers['content-security-policy'])).toMatch(/^default-src 'none'.*; frame-ancestors /);
    expect((await onHost(host, `/__apercu/${ticket}`, cookie)).status).toBe(303);
    // Another session's ticket does not open this host.
    expect((await onHost(host, `/__apercu/${await ticketOf(other)}`)).status).toBe(403);

    const page = await onHost(host, '/', cookie);
    expect(page.status).toBe(200);
    expect(page.body).toContain('It works!');
    expect(String(page.headers['content-security-policy'])).toContain('frame-ancestors');
  });

  it('serves the site’s absolute paths as they are, with no prefix added', async () => {
    const host = hostOf(session, 8080);
    const cookie = await cookieOf(session, 8080);
    // An absolute path of Apache's own: no Referer, no redirect needed.
    const icon = await onHost(host, '/icons/apache_pb.png', cookie);
    expect(icon.status).toBe(200);
    expect(icon.headers['content-type']).toBe('image/png');
    // Apache's redirect to the folder names its own address: it comes back as the host's path.
    const folder = await onHost(host, '/dossier', cookie);
    expect(folder.status).toBe(301);
    expect(folder.headers.location).toBe('/dossier/');
  });

  it('refuses another session’s cookie, the relay, and hosts that are not previews', async () => {
    const host = hostOf(session, 8080);
    const foreign = await cookieOf(other, 8080);
    expect((await onHost(host, '/', foreign)).status).toBe(403);
    const cookie = await cookieOf(session, 8080);
    // The relay's port, and a port where nothing listens, on this session's hosts.
    for (const port of [7681, 8081]) {
      const mine = await cookieOf(session, port);
      const res = await onHost(hostOf(session, port), '/', mine);
      expect(res.status, String(port)).toBe(404);
    }
    // A look-alike host is not a preview: the path form's answer, and no cookie taken.
    const fake = await onHost(`${session.id}-8080.apercu.localhost.evil.fr`, '/', cookie);
    expect(fake.status).toBe(404);
    expect(fake.body).toMatch(/ne sert que les aperçus/);
    // A session's host that does not exist.
    expect((await onHost(`abcdef0123-8080.${previewHost}`, '/', cookie)).status).toBe(404);
  });

  it('keeps the app’s cookies on its host, and drops the headers that reach beyond it', async () => {
    const res = await onHost(hostOf(session, 9000), '/entetes', await cookieOf(session, 9000));
    expect(res.status).toBe(200);
    // No Domain (no other preview host gets them), the app's own paths, none of the course's names.
    expect(res.headers['set-cookie']).toEqual(['session=ok; Path=/', 'app=1; Path=/app']);
    for (const name of ['service-worker-allowed', 'clear-site-data', 'strict-transport-security']) {
      expect(res.headers[name], name).toBeUndefined();
    }
  });

  it('reaches a WebSocket app on its host', async () => {
    const cookie = await cookieOf(session, 9000);
    const reply = await echoThrough(
      `ws://127.0.0.1:${previewPort}/echo`,
      { host: hostOf(session, 9000), cookie },
      'salut',
    );
    expect(reply).toBe('echo:salut');
  });

  it('opens from the bac-à-sable page in Chromium, framed and in a new tab', async () => {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`http://cours.localhost:${server.port}/bac-a-sable/`);
    await page.locator('[data-terminal-pane][data-state="ready"]').waitFor({ timeout: 180_000 });
    await page.locator('.xterm').click();
    await page.keyboard.type("docker run -d -q -p 8080:80 httpd >/dev/null && echo PR''ET\n");
    await page.locator('.xterm-rows', { hasText: 'PRET' }).waitFor({ timeout: 120_000 });
    await page.locator('[data-tab="preview"]').click();
    const port = page.locator('[data-port="8080"]');
    await port.waitFor({ timeout: 30_000 });
    const href = new URL((await port.locator('[data-preview-open]').getAttribute('href')) ?? '');
    expect(href.hostname).toMatch(/^[a-f0-9]+-8080\.apercu\.cours\.localhost$/);

    await port.locator('[data-preview-show]').click();
    const frame = page.frameLocator('[data-preview-frame]');
    await frame.locator('h1', { hasText: 'It works!' }).waitFor({ timeout: 30_000 });
    // The address line shows the preview's host, not the spent ticket; « Recharger » works.
    expect(await page.locator('.preview-address').inputValue()).toBe(href.href);
    await page.getByRole('button', { name: 'Recharger' }).click();
    await frame.locator('h1', { hasText: 'It works!' }).waitFor({ timeout: 30_000 });

    const [tab] = await Promise.all([context.waitForEvent('page'), port.locator('[data-preview-open]').click()]);
    await tab.locator('h1', { hasText: 'It works!' }).waitFor({ timeout: 30_000 });
    expect(new URL(tab.url()).host).toBe(href.host);
    expect(errors).toEqual([]);
    await context.close();
  });
});
