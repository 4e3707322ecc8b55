// Browser side of the workspace routes of a session (images and layers, ports, preview): the
// Bearer of the terminal pane's current session (a reset gives a new one), replies checked
// against the contract's schemas, refusals shown as the server's French `error`.
import type { z } from 'zod';
import { ApiRequestError, apiFetch, replyOf } from '../api/client.ts';
import type { OpenSession } from '../terminal/session-client.ts';
import type { TerminalPaneApi } from '../terminal/terminal-pane.ts';

/** The pane's session, waiting for the first one while the sandbox starts. */
export async function currentSession(pane: TerminalPaneApi): Promise<OpenSession> {
  const open = pane.session();
  if (open) return open;
  try {
    return await pane.ready;
  } catch {
    throw new ApiRequestError(0, 'Le bac à sable n’a pas pu démarrer : voyez le message de l’onglet « Terminal ».');
  }
}

interface RequestOptions {
  method?: 'GET' | 'POST';
  signal?: AbortSignal;
}

/**
 * Calls `/api/sessions/<id><path>` for the pane's session and checks the reply with `schema`
 * (none for a 204). An aborted request rejects with the browser's AbortError, for callers to ignore.
 */
export async function sessionRequest<T>(
  pane: TerminalPaneApi,
  path: string,
  schema: z.ZodType<T> | null,
  options: RequestOptions = {},
): Promise<T> {
  const session = await currentSession(pane);
  const method = options.method ?? 'GET';
  const response = await apiFetch(`/api/sessions/${encodeURIComponent(session.id)}${path}`, {
    method,
    // A POST carries an empty JSON object, as the API's other POSTs do.
    headers:
      method === 'POST'
        ? { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' }
        : { authorization: `Bearer ${session.token}` },
    ...(method === 'POST' ? { body: '{}' } : {}),
    signal: options.signal ?? null,
  });
  if (!schema) return undefined as T;
  return replyOf(response, schema);
}
