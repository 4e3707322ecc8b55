// The preview's host form: which Host headers name a preview, the hosts and CSP source built
// from PREVIEW_HOST, the config's check of it, and the single-use, short-lived tickets.
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../../../server/config/config.ts';
import {
  parsePreviewHost,
  previewHostOf,
  previewHostSource,
  PreviewTickets,
  targetOfHost,
} from '../../../../../server/http/preview/host.ts';

describe('PREVIEW_HOST', () => {
  it('is a host name with an optional port, nothing else', () => {
    for (const good of ['apercu.example.com', 'apercu.localhost:4322', 'Preview.Example.org']) {
      expect(configSchema.safeParse({ PREVIEW_HOST: good }).success, good).toBe(true);
    }
    for (const bad of ['https://apercu.example.com', 'apercu.example.com/x', '*.example.com', '-a.com', 'a..b', '']) {
      const parsed = configSchema.safeParse({ PREVIEW_HOST: bad });
      expect(parsed.success, bad).toBe(false);
    }
    const refused = configSchema.safeParse({ PREVIEW_HOST: 'https://x.fr' });
    expect(refused.error?.issues[0]?.message).toMatch(/sans schéma/);
  });

  it('names each preview host, and one CSP source for them all', () => {
    const host = parsePreviewHost('Apercu.Localhost:4322');
    expect(host).toEqual({ hostname: 'apercu.localhost', port: 4322 });
    expect(previewHostOf(host, 'ab12', 8080)).toBe('ab12-8080.apercu.localhost:4322');
    expect(previewHostSource(host)).toBe('*.apercu.localhost:4322');
    expect(previewHostOf(parsePreviewHost('apercu.example.com'), 'ab12', 80)).toBe('ab12-80.apercu.example.com');
  });

  it('reads the session and port from a Host header, whatever its port or case', () => {
    const host = parsePreviewHost('apercu.example.com');
    expect(targetOfHost(host, 'ab12-8080.apercu.example.com')).toEqual({ id: 'ab12', port: 8080 });
    expect(targetOfHost(host, 'AB12-8080.Apercu.Example.com:443')).toEqual({ id: 'ab12', port: 8080 });
    for (const other of [
      undefined,
      'apercu.example.com',
      'ab12-8080.apercu.example.com.evil.fr',
      'ab12-8080.evilapercu.example.com',
      'x.ab12-8080.apercu.example.com',
      'ab12-99999.apercu.example.com',
      'ab12-0.apercu.example.com',
      'zz-8080.apercu.example.com',
      'ab12.apercu.example.com',
      `${'a'.repeat(300)}-80.apercu.example.com`,
    ]) {
      expect(targetOfHost(host, other), String(other)).toBeUndefined();
    }
  });
});

describe('preview tickets', () => {
  it('serve once, for their session only', () => {
    const tickets = new PreviewTickets();
    const ticket = tickets.issue('s1');
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(tickets.redeem(ticket, 's2')).toBe(false);
    // Tried on another session, it is spent all the same: a guess costs the ticket.
    expect(tickets.redeem(ticket, 's1')).toBe(false);
    const again = tickets.issue('s1');
    expect(tickets.redeem(again, 's1')).toBe(true);
    expect(tickets.redeem(again, 's1')).toBe(false);
    expect(tickets.redeem('made-up', 's1')).toBe(false);
  });

  it('expire, and are bounded per session and in all', () => {
    let now = 0;
    const tickets = new PreviewTickets({ ttlMs: 30_000, perSession: 3, total: 5, now: () => now });
    const old = tickets.issue('s1');
    now = 30_001;
    expect(tickets.redeem(old, 's1')).toBe(false);
    const mine = [1, 2, 3, 4].map(() => tickets.issue('s1'));
    // The oldest gave way: three at most for one session.
    expect(tickets.redeem(mine[0] ?? '', 's1')).toBe(false);
    expect(tickets.size).toBe(3);
    for (const s of ['a', 'b', 'c']) tickets.issue(s);
    expect(tickets.size).toBe(5);
    expect(tickets.redeem(mine[3] ?? '', 's1')).toBe(true);
    // Expired ones are swept when the next is issued.
    now = 100_000;
    tickets.issue('d');
    expect(tickets.size).toBe(1);
  });
});
