// Browser side of the workspace routes of a session (images and layers, ports, preview): the
// Bearer of the terminal pane's current session (a reset gives a new one), replies checked
// against the contract's schemas, refusals shown as the server's French `error`.
import type { z } from 'zod';
import { apiErrorSchema } from '../../shared/contract.ts';
import type { OpenSession } from '../terminal/session-client.ts';
import type { TerminalPaneApi } from '../terminal/terminal-pane.ts';

/** A refusal from the server (its French message), or status 0 when it could not be reached. */
export class WorkspaceApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'WorkspaceApiError';
    this.status = status;
  }
}

/** The pane's session, waiting for the first one while the sandbox starts. */
export async function currentSession(pane: TerminalPaneApi): Promise<OpenSession> {
  const open = pane.session();
  if (open) return open;
  try {
    return await pane.ready;
  } catch {
    throw new WorkspaceApiError(0, 'Le bac à sable n’a pas pu démarrer : voyez le message de l’onglet « Terminal ».');
  }
}

async function refusal(response: Response): Promise<WorkspaceApiError> {
  const parsed = apiErrorSchema.safeParse(await response.json().catch(() => undefined));
  if (parsed.success && parsed.data.error) return new WorkspaceApiError(response.status, parsed.data.error);
  // Not the API's JSON (a proxy's page): the status says enough.
  return new WorkspaceApiError(
    response.status,
    response.status >= 500
      ? `Le serveur a rencontré une erreur (${response.status}) : réessayez dans un instant.`
      : `Requête refusée (erreur ${response.status}).`,
  );
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
  let response: Response;
  try {
    const method = options.method ?? 'GET';
    response = await fetch(`/api/sessions/${encodeURIComponent(session.id)}${path}`, {
      method,
      // A POST carries an empty JSON object, as the API's other POSTs do.
      headers:
        method === 'POST'
          ? { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' }
          : { authorization: `Bearer ${session.token}` },
      ...(method === 'POST' ? { body: '{}' } : {}),
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new WorkspaceApiError(0, 'Le serveur ne répond pas : vérifiez votre connexion, puis réessayez.');
  }
  if (!response.ok) throw await refusal(response);
  if (!schema) return undefined as T;
  const parsed = schema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) {
    throw new WorkspaceApiError(response.status, 'Réponse inattendue du serveur : rechargez la page, puis réessayez.');
  }
  return parsed.data;
}

/** True for the rejection of a request the caller aborted itself. */
export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
