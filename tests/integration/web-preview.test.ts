// The web preview against the real engine: a container publishing 8080 in the sandbox is listed
// and served through the proxy (Bearer on the course's origin, the cookie on the preview
// origin), Apache's absolute links find their way back, another session is refused, the relay
// is not reachable, and a WebSocket app inside the sandbox answers through the proxy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SandboxPorts, SessionCreated } from '../../shared/contract.ts';
import {
  api,
  createSession,
  freePort,
  leftovers,
  startServer,
  TerminalClient,
  waitUntil,
  type RunningServer,
} from './harness.ts';

let server: RunningServer;
let previewPort: number;
let session: SessionCreated;
let other: SessionCreated;
let terminal: TerminalClient;

/** A WebSocket echo server in Perl (core modules only): the sandbox has no other language. */
const echoServer = String.raw`use strict; use IO::Socket::INET; use Digest::SHA qw(sha1_base64);
my $srv = IO::Socket::INET->new(LocalAddr => '0.0.0.0', LocalPort => 9000, Listen => 5, ReuseAddr => 1) or die $!;
while (my $c = $srv->accept) {
  my $req = ''; while (my $l = <$c>) { $req .= $l; last if $l eq "\r\n"; }
  my ($key) = $req =~ /Sec-WebSocket-Key: *(\S+)/i;
  if (!$key) { print $c "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"; close $c; next; }
  my $accept = sha1_base64($key . '258EAFA5-E914-47DA-95CA-C5AB0DC85B11') . '=';
  print $c "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: $accept\r\n\r\n";
  while (1) {
    my $head; last unless read($c, $head, 2) == 2;
    my ($b1, $b2) = unpack('CC', $head);
    my $len = $b2 & 127;
    if ($len == 126) { read($c, my $ext, 2); $len = unpack('n', $ext); }
    read($c, my $mask, 4); read($c, my $data, $len);
    my @m = unpack('C4', $mask); my $i = 0;
    $data = join '', map { chr(ord($_) ^ $m[$i++ % 4]) } split //, $data;
    last if ($b1 & 15) == 8;
    my $out = "echo:$data";
    print $c pack('CC', 0x81, length $out) . $out;
  }
  close $c;
}
`;

beforeAll(async () => {
  previewPort = await freePort();
  server = await startServer({ PREVIEW_PORT: String(previewPort) });
  [session, other] = await Promise.all([createSession(server), createSession(server)]);
  terminal = new TerminalClient(server, session.id);
  await terminal.open(session.token);
  const put = await fetch(`${server.base}/api/sessions/${session.id}/files/root/echo.pl`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/octet-stream' },
    body: echoServer,
  });
  expect(put.status).toBe(200);
  const out = await terminal.run(
    "docker run -d -q --name web -p 8080:80 httpd >/dev/null && (nohup perl /root/echo.pl >/root/echo.log 2>&1 &) && echo LAN''CE",
    120_000,
  );
  expect(out).toContain('LANCE');
}, 300_000);

afterAll(async () => {
  terminal.close();
  await server.stop();
  expect(await leftovers()).toEqual([]);
});

const ports = async (s: SessionCreated) =>
  (await api(server, 'GET', `/api/sessions/${s.id}/ports`, { token: s.token })).body as unknown as SandboxPorts;

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
    expect(set.status).toBe(204);
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
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/preview/${session.id}/9000/echo`, {
      headers: { authorization: `Bearer ${session.token}` },
    });
    const reply = await new Promise<string>((resolve, reject) => {
      ws.once('open', () => ws.send('bonjour'));
      ws.once('message', (data: Buffer) => resolve(data.toString()));
      ws.once('error', reject);
      setTimeout(() => reject(new Error('no echo')), 10_000);
    });
    expect(reply).toBe('echo:bonjour');
    ws.close();
  });
});
