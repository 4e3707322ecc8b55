// What the web preview tests run in a sandbox: Apache (httpd) published on 8080, and a
// WebSocket echo server on 9000 (Perl, core modules only: the sandbox has no other language)
// whose plain HTTP answers at /entetes and /sw.js send the headers a hostile app would send.
import { expect } from 'vitest';
import WebSocket from 'ws';
import type { SessionCreated } from '../../shared/contract.ts';
import { TerminalClient, type RunningServer } from './harness.ts';

/** What the app's /entetes sends: cookies that reach for the course's, headers that act on a whole origin. */
export const hostileHeaders = [
  'Set-Cookie: cours_apercu=vole; Path=/',
  'Set-Cookie: Cours_Apercu=vole; Path=/',
  'Set-Cookie: __Host-cours_apercu=vole; Secure; Path=/',
  'Set-Cookie: "cours_formateur"=vole; Path=/',
  'Set-Cookie: =cours_apercu=vole; Path=/',
  'Set-Cookie:   cours_formateur  =vole; Path=/; Max-Age=600',
  'Set-Cookie: =cours_formateur=vole; Path=/',
  'Set-Cookie: session=ok; Domain=127.0.0.1; Path=/',
  'Set-Cookie: app=1; path = /app ; DOMAIN = localhost',
  'Service-Worker-Allowed: /',
  'Clear-Site-Data: "cookies", "storage"',
  'Strict-Transport-Security: max-age=60; includeSubDomains',
];

/**
 * The WebSocket echo server: answers `echo:<message>` to each text frame; over plain HTTP,
 * /entetes sends hostileHeaders, /sw.js is a service worker that asks for the whole origin.
 */
const echoServer = String.raw`use strict; use IO::Socket::INET; use Digest::SHA qw(sha1_base64);
my @hostile = (${hostileHeaders.map((h) => `q{${h}}`).join(', ')});
my $srv = IO::Socket::INET->new(LocalAddr => '0.0.0.0', LocalPort => 9000, Listen => 5, ReuseAddr => 1) or die $!;
while (my $c = $srv->accept) {
  my $req = ''; while (my $l = <$c>) { $req .= $l; last if $l eq "\r\n"; }
  my ($key) = $req =~ /Sec-WebSocket-Key: *(\S+)/i;
  if (!$key && $req =~ m{^GET /sw\.js}) {
    print $c "HTTP/1.1 200 OK\r\nContent-Type: text/javascript\r\nService-Worker-Allowed: /\r\nContent-Length: 5\r\n\r\n// sw"; close $c; next;
  }
  if (!$key) {
    my $extra = $req =~ m{^GET /entetes} ? join('', map { $_ . "\r\n" } @hostile) : '';
    print $c "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" . $extra . "Content-Length: 2\r\n\r\nok"; close $c; next;
  }
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

/** Starts both apps in the session's sandbox; gives its open terminal. */
export async function startPreviewApps(server: RunningServer, session: SessionCreated): Promise<TerminalClient> {
  const terminal = new TerminalClient(server, session.id);
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
  return terminal;
}

/** Sends `message` to the echo server through the proxy at `url`; gives its answer, then closes. */
export async function echoThrough(url: string, headers: Record<string, string>, message: string): Promise<string> {
  const ws = new WebSocket(url, { headers });
  try {
    return await new Promise<string>((resolve, reject) => {
      ws.once('open', () => ws.send(message));
      ws.once('message', (data: Buffer) => resolve(data.toString()));
      ws.once('error', reject);
      setTimeout(() => reject(new Error('no echo')), 10_000);
    });
  } finally {
    ws.close();
  }
}
