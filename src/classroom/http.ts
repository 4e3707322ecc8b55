// JSON requests to the classroom API: same-origin (the instructor's cookie goes along), French
// error messages from the server's `{ error }` bodies, replies checked with the contract's schemas.
import { z } from 'zod';
import fr from 'zod/v4/locales/fr.js';
import { ApiRequestError } from '../terminal/session-client.ts';

// The contract's checks run in the browser too (forms): zod's own messages in French, as on the server.
z.config(fr());

export { ApiRequestError };

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers,
      credentials: 'same-origin',
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  } catch {
    throw new ApiRequestError(0, 'Le serveur ne répond pas : vérifiez votre connexion, puis réessayez.');
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: unknown };
    throw new ApiRequestError(
      response.status,
      typeof body.error === 'string' && body.error ? body.error : `Erreur ${response.status} du serveur.`,
    );
  }
  return response;
}

/** A request whose reply is checked against `schema`. */
export async function requestJson<S extends z.ZodType>(
  path: string,
  schema: S,
  options: RequestOptions = {},
): Promise<z.infer<S>> {
  const response = await send(path, options);
  const parsed = schema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new ApiRequestError(response.status, 'Réponse inattendue du serveur.');
  return parsed.data;
}

/** A request whose reply body does not matter (204, 202). */
export async function requestVoid(path: string, options: RequestOptions = {}): Promise<void> {
  await send(path, options);
}

/** The French message of an error thrown by a request (or anything else). */
export function errorMessage(error: unknown): string {
  return error instanceof Error && error.message ? error.message : 'Une erreur inattendue est survenue.';
}
