// The preview cookie: `POST /api/sessions/:id/preview` once per session sets it (scoped to
// /preview/<id>/), so the sandbox's web pages open in an iframe or a new tab without the Bearer.
import type { TerminalPaneApi } from '../terminal/terminal-pane.ts';
import { currentSession, sessionRequest } from './workspace-api.ts';

export interface PreviewAccess {
  /** Resolves once this session's preview cookie is set (asked for once per session). */
  ensure(): Promise<void>;
  /** Whether the current session's cookie is already set: a plain link may be followed at once. */
  granted(): boolean;
}

export function createPreviewAccess(pane: TerminalPaneApi): PreviewAccess {
  const asked = new Map<string, Promise<void>>();
  const done = new Set<string>();
  return {
    async ensure() {
      const session = await currentSession(pane);
      let pending = asked.get(session.id);
      if (!pending) {
        pending = sessionRequest<void>(pane, '/preview', null, { method: 'POST' }).then(
          () => void done.add(session.id),
          (error: unknown) => {
            // Ask again next time: the refusal may be passing (the sandbox still starting).
            asked.delete(session.id);
            throw error;
          },
        );
        asked.set(session.id, pending);
      }
      return pending;
    },
    granted() {
      const session = pane.session();
      return session !== undefined && done.has(session.id);
    },
  };
}
