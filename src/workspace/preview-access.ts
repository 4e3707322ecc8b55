// This browser's right to open the session's previews, from `POST /api/sessions/:id/preview`:
// on the path form the answer sets a cookie scoped to /preview/<id>/ (asked once per session);
// on the host form (PREVIEW_HOST) it is a single-use ticket, which the preview's own host
// trades for its cookie at /__apercu/<ticket>, so each opening asks for a fresh one.
import { previewAccessSchema } from '../../shared/contract.ts';
import type { TerminalPaneApi } from '../terminal/terminal-pane.ts';
import { currentSession, sessionRequest } from './workspace-api.ts';

export interface PreviewAccess {
  /** The address that opens the preview at `href` in this browser, once its right is granted. */
  open(href: string): Promise<string>;
  /** Asks ahead for the session's cookie (path form), so « Ouvrir » can be a plain link. */
  prepare(): Promise<void>;
  /** Whether `href` may be followed as it is: the path form's cookie is set. */
  granted(): boolean;
}

/** A ticket received is used within this time, well inside the server's 30 s. */
const ticketFreshMs = 20_000;

export function createPreviewAccess(pane: TerminalPaneApi): PreviewAccess {
  /** Sessions whose path cookie is set, or being asked for. */
  const cookies = new Map<string, Promise<void>>();
  const done = new Set<string>();
  /** Sessions on the host form, with a ticket not used yet. */
  const hosted = new Map<string, { ticket?: string; at: number }>();

  const ask = () => sessionRequest(pane, '/preview', previewAccessSchema, { method: 'POST' });

  const prepare = async (): Promise<void> => {
    const session = await currentSession(pane);
    if (done.has(session.id) || hosted.has(session.id)) return;
    let pending = cookies.get(session.id);
    if (!pending) {
      pending = ask().then(
        (grant) => {
          if (grant.ticket) hosted.set(session.id, { ticket: grant.ticket, at: Date.now() });
          else done.add(session.id);
        },
        (error: unknown) => {
          // Ask again next time: the refusal may be passing (the sandbox still starting).
          cookies.delete(session.id);
          throw error;
        },
      );
      cookies.set(session.id, pending);
    }
    return pending;
  };

  return {
    prepare,
    async open(href) {
      await prepare();
      const session = await currentSession(pane);
      const host = hosted.get(session.id);
      if (!host) return href;
      let ticket = host.ticket && Date.now() - host.at < ticketFreshMs ? host.ticket : undefined;
      host.ticket = undefined;
      ticket ??= (await ask()).ticket;
      if (!ticket) return href;
      return new URL(`/__apercu/${encodeURIComponent(ticket)}`, new URL(href, window.location.href)).href;
    },
    granted() {
      const session = pane.session();
      return session !== undefined && done.has(session.id);
    },
  };
}
