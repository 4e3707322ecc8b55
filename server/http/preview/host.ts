// The preview's host form (PREVIEW_HOST): behind a reverse proxy for *.PREVIEW_HOST, the port
// 8080 of session <id> is https://<id>-8080.PREVIEW_HOST/, its own origin, so an ordinary site's
// absolute links work with no prefix at all. Such a host sets its own cookie: the TP page gets a
// single-use, short-lived ticket from the API and opens /__apercu/<ticket> on that host.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface PreviewHost {
  /** The wildcard's parent, lower case: `apercu.example.com`. */
  hostname: string;
  /** The port the browsers use, when not the scheme's own. */
  port?: number;
}

export interface HostTarget {
  id: string;
  port: number;
}

/** Parses PREVIEW_HOST (`apercu.example.com` or `apercu.localhost:4322`); the config validated it. */
export function parsePreviewHost(value: string): PreviewHost {
  const [hostname = '', port] = value.toLowerCase().split(':');
  return port ? { hostname, port: Number(port) } : { hostname };
}

/** The preview's host for a port of a session: `<id>-<port>.<PREVIEW_HOST>`. */
export function previewHostOf(host: PreviewHost, id: string, port: number): string {
  return `${id}-${port}.${host.hostname}${host.port ? `:${host.port}` : ''}`;
}

/** The CSP source that matches every preview host. */
export function previewHostSource(host: PreviewHost): string {
  return `*.${host.hostname}${host.port ? `:${host.port}` : ''}`;
}

/** The session and port a Host header names, if it is one of the previews'. */
export function targetOfHost(host: PreviewHost, header: string | undefined): HostTarget | undefined {
  if (!header || header.length > 300) return undefined;
  // The port part is the reverse proxy's business: only the name says which preview this is.
  const name = header.toLowerCase().replace(/:\d{1,5}$/, '');
  if (!name.endsWith(`.${host.hostname}`)) return undefined;
  const match = /^([a-f0-9]{1,64})-(\d{1,5})$/.exec(name.slice(0, -host.hostname.length - 1));
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  return { id: match[1] ?? '', port };
}

/** The path on a preview host that trades a ticket for that host's cookie. */
export const ticketPath = '/__apercu/';

/** Requests that came in on a preview host, with the preview they name (see rewriteUrl in app.ts). */
export const hostRequests = new WeakMap<IncomingMessage, HostTarget>();

export interface TicketOptions {
  /** How long a ticket may wait before it is used. */
  ttlMs?: number;
  /** Outstanding tickets per session: an old one gives way to a new one. */
  perSession?: number;
  /** Outstanding tickets in all. */
  total?: number;
  now?: () => number;
}

/** Single-use tickets for the preview hosts' cookies, kept in memory (they live 30 s). */
export class PreviewTickets {
  readonly ttlMs: number;
  readonly #perSession: number;
  readonly #total: number;
  readonly #now: () => number;
  /** Ticket → its session and expiry, in the order they were issued. */
  readonly #tickets = new Map<string, { sessionId: string; expires: number }>();

  constructor(options: TicketOptions = {}) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.#perSession = options.perSession ?? 16;
    this.#total = options.total ?? 20_000;
    this.#now = options.now ?? Date.now;
  }

  issue(sessionId: string): string {
    this.#sweep();
    const mine = [...this.#tickets].filter(([, t]) => t.sessionId === sessionId);
    for (const [ticket] of mine.slice(0, Math.max(0, mine.length - this.#perSession + 1))) {
      this.#tickets.delete(ticket);
    }
    while (this.#tickets.size >= this.#total) {
      const oldest = this.#tickets.keys().next().value;
      if (oldest === undefined) break;
      this.#tickets.delete(oldest);
    }
    const ticket = randomBytes(24).toString('base64url');
    this.#tickets.set(ticket, { sessionId, expires: this.#now() + this.ttlMs });
    return ticket;
  }

  /** Uses a ticket up: whether it was issued for this session and is still fresh. */
  redeem(ticket: string, sessionId: string): boolean {
    const found = this.#tickets.get(ticket);
    if (!found) return false;
    this.#tickets.delete(ticket);
    return found.sessionId === sessionId && found.expires > this.#now();
  }

  get size(): number {
    return this.#tickets.size;
  }

  #sweep(): void {
    const now = this.#now();
    // Issued in order with one lifetime: the expired ones are at the front.
    for (const [ticket, t] of this.#tickets) {
      if (t.expires > now) break;
      this.#tickets.delete(ticket);
    }
  }
}
