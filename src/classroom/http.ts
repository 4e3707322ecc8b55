// JSON requests to the classroom API: same-origin (the instructor's cookie goes along), through
// the browser's one API client (French refusals, a busy server waited for), replies checked with
// the contract's schemas.
import { z } from 'zod';
import fr from 'zod/v4/locales/fr.js';
import { ApiRequestError, apiFetch, replyOf, type CallOptions } from '../api/client.ts';

// The contract's checks run in the browser too (forms): zod's own messages in French, as on the server.
z.config(fr());

export { ApiRequestError };

interface RequestOptions extends CallOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
}

function send(path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  return apiFetch(
    path,
    {
      method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
      headers,
      credentials: 'same-origin',
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    },
    options,
  );
}

/** A request whose reply is checked against `schema`. */
export async function requestJson<S extends z.ZodType>(
  path: string,
  schema: S,
  options: RequestOptions = {},
): Promise<z.infer<S>> {
  return replyOf(await send(path, options), schema);
}

/** A request whose reply body does not matter (204, 202). */
export async function requestVoid(path: string, options: RequestOptions = {}): Promise<void> {
  await send(path, options);
}

/** The French message of an error thrown by a request (or anything else). */
export function errorMessage(error: unknown): string {
  return error instanceof Error && error.message ? error.message : 'Une erreur inattendue est survenue.';
}
