// The web preview against the real engine: a container publishing 8080 in the sandbox is listed
// and served through the proxy (Bearer on the course's origin, the cookie on the preview
// origin), Apache's absolute links find their way back, another session is refused, the relay
// is not reachable, a WebSocket app inside the sandbox answers through the proxy, and an app's
// hostile headers (the course's cookie names, Domain, Path=/, Service-Worker-Allowed,
// Clear-Site-Data) do not reach the browser: checked in Chromium too.
import { chromium, type Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPorts, SessionCreated } from '../../shared/contract.ts';
import {
  api,
  createSession,
  freePort,
  leftovers,
  startServer,
  type TerminalClient,
  waitUntil,
  type RunningServer,
} from './harness.ts';
import { echoThrough, startPreviewApps } from './preview-apps.ts';

let server: RunningServer;
let previewPort: number;
let session: SessionCreated;
let other: SessionCreated;
let terminal: TerminalClient;
let browser: Browser | undefined;

beforeAll(async () => {
  previewPort = await freePort();
  server = await startServer({ PREVIEW_PORT: String(previewPort) });
  [session, other] = await Promise.all([createSession(server), createSession(server)]);
  terminal = await startPreviewApps(server, session);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  terminal.close();
  await server.stop();
  expect(await leftovers()).toEqual([]);
});

const ports = async (s: SessionCreated) =>
  (await api(server, 'GET', `/api/sessions/${s.id}/ports`, { token: s.token })).body as unknown as SandboxPorts;

/** The preview cookie the course's page gets for a session: `name=value`. */
async function previewCookieOf(s: SessionCreated): Promise<string> {
  const set = await fetch(`${server.base}/api/sessions/${s.id}/preview`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.token}`, origin: server.base },
  });
  expect(set.status).toBe(200);
  return (set.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

describe('the web preview', () => {
  it('lists the published port, not the terminal relay', async () => {
    await waitUntil(async () => (await ports(session)).some((p) => p.port === 8080), 30_000, 'port 8080 listed');
    const listed = await ports(session);
    const web = listed.find((p) => p.port === 8080);
    expect(web?.url).toBe(`/preview/${session.id}/8080/`);
    expect(web?.href).toBe(`http://127.0.0.1:${previewPort}/preview/${session.id}/8080/`);
    expect(listed.map((p) => p.port)).not.toContain(7681);
  });

  it('serves the page with the Bearer token on the course’s origin, and refuses others', async () => {
    const url = `${server.base}/preview/${session.id}/8080/`;
    const page = await fetch(url, { headers: { authorization: `Bearer ${session.token}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    expect((await fetch(url)).status).toBe(401);
    const foreign = await fetch(url, { headers: { authorization: `Bearer ${other.token}` } });
    expect(foreign.status).toBe(403);
    // The relay, a port where nothing listens, a port that is not one.
    for (const port of ['7681', '8081', '99999', 'x']) {
      const res = await fetch(`${server.base}/preview/${session.id}/${port}/`, {
        headers: { authorization: `Bearer ${session.token}` },
      });
      expect(res.status, port).toBeGreaterThanOrEqual(400);
      expect(res.status, port).toBeLessThan(500);
    }
  });

  it('serves it to a browser’s cookie on the preview origin only, and brings absolute links back', async () => {
    const set = await fetch(`${server.base}/api/sessions/${session.id}/preview`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, origin: server.base },
    });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({});
    const cookie = (set.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(set.headers.get('set-cookie')).toMatch(new RegExp(`Path=/preview/${session.id}/`));
    const preview = `http://127.0.0.1:${previewPort}/preview/${session.id}/8080/`;
    const page = await fetch(preview, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain('frame-ancestors');
    // The course's origin does not take the cookie: a student's page never runs there.
    expect((await fetch(`${server.base}/preview/${session.id}/8080/`, { headers: { cookie } })).status).toBe(401);
    // Another session's cookie does not open this preview.
    const otherSet = await fetch(`${server.base}/api/sessions/${other.id}/preview`, {
      method: 'POST',
      headers: { authorization: `Bearer ${other.token}`, origin: server.base },
    });
    const otherCookie = (otherSet.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect((await fetch(preview, { headers: { cookie: otherCookie } })).status).toBe(403);
    // Apache's default page asks for /icons/…: the Referer says which preview it belongs to.
    const icon = await fetch(`http://127.0.0.1:${previewPort}/icons/openlogo-75.png`, {
      headers: { cookie, referer: preview },
      redirect: 'manual',
    });
    expect(icon.status).toBe(307);
    expect(icon.headers.get('location')).toBe(`/preview/${session.id}/8080/icons/openlogo-75.png`);
  });

  it('reaches a WebSocket app in the sandbox through the proxy', async () => {
    await waitUntil(async () => (await ports(session)).some((p) => p.port === 9000), 30_000, 'port 9000 listed');
    const reply = await echoThrough(
      `ws://127.0.0.1:${server.port}/preview/${session.id}/9000/echo`,
      { authorization: `Bearer ${session.token}` },
      'bonjour',
    );
    expect(reply).toBe('echo:bonjour');
  });

  it('keeps the app’s cookies inside its preview, and drops the headers that reach beyond it', async () => {
    await waitUntil(async () => (await ports(session)).some((p) => p.port === 9000), 30_000, 'port 9000 listed');
    const prefix = `/preview/${session.id}/9000`;
    const kept = [`session=ok; Path=${prefix}/`, `app=1; Path=${prefix}/app`];
    const answers = [
      await fetch(`${server.base}${prefix}/entetes`, { headers: { authorization: `Bearer ${session.token}` } }),
      await fetch(`http://127.0.0.1:${previewPort}${prefix}/entetes`, {
        headers: { cookie: await previewCookieOf(session) },
      }),
    ];
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie()).toEqual(kept);
      expect(res.headers.get('service-worker-allowed')).toBeNull();
      expect(res.headers.get('clear-site-data')).toBeNull();
    }
    // The preview origin adds no HSTS of its own: the app's is gone.
    expect(answers[1]?.headers.get('strict-transport-security')).toBeNull();
  });

  it('in Chromium, the app’s cookies stay in its preview and its service worker in its folder', async () => {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    const context = await browser.newContext();
    const prefix = `/preview/${session.id}/9000`;
    const [name = '', value = ''] = (await previewCookieOf(session)).split('=');
    // The browser's own cookies on this host: the preview's, and an instructor's (cookies ignore the port).
    const ours = [
      { name, value, domain: '127.0.0.1', path: `/preview/${session.id}/` },
      { name: 'cours_formateur', value: 'jeton-du-formateur', domain: '127.0.0.1', path: '/' },
    ];
    await context.addCookies(ours.map((c) => ({ ...c, httpOnly: true, sameSite: 'Strict' as const })));
    const page = await context.newPage();
    const res = await page.goto(`http://127.0.0.1:${previewPort}${prefix}/entetes`);
    expect(res?.status()).toBe(200);
    const cookies = (await context.cookies()).map((c) => ({
      name: c.name,
      value: c.value,
      domain: c.domain,
      path: c.path,
    }));
    // Neither replaced, nor shadowed by a look-alike, nor wiped by Clear-Site-Data.
    expect(cookies.filter((c) => !['session', 'app'].includes(c.name))).toEqual(expect.arrayContaining(ours));
    expect(cookies.filter((c) => !['session', 'app'].includes(c.name))).toHaveLength(2);
    expect(cookies).toContainEqual({ name: 'session', value: 'ok', domain: '127.0.0.1', path: `${prefix}/` });
    expect(cookies).toContainEqual({ name: 'app', value: '1', domain: '127.0.0.1', path: `${prefix}/app` });
    // A service worker may not claim the whole preview origin, only its own folder.
    const wide = await page.evaluate(() =>
      navigator.serviceWorker.register('sw.js', { scope: '/' }).then(
        () => 'enregistré',
        (error: Error) => error.name,
      ),
    );
    expect(wide).toBe('SecurityError');
    const own = await page.evaluate(() =>
      navigator.serviceWorker.register('sw.js').then(
        (registration) => registration.scope,
        (error: Error) => error.message,
      ),
    );
    expect(own).toBe(`http://127.0.0.1:${previewPort}${prefix}/`);
    await context.close();
  });
});
