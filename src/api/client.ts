// The browser's one way to call the API: the server's French `error` for a refusal, a French
// message when the server is out of reach, replies checked with the contract's schemas, and a
// busy server's 503 sent again after its Retry-After, the wait shown to the user.
import type { z } from 'zod';
import { apiErrorSchema } from '../../shared/contract.ts';

/** A refusal from the server (its French `error`), or status 0 when it could not be reached. */
export class ApiRequestError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiRequestError';
    this.status = status;
  }
}

export const unreachableMessage = 'Le serveur ne répond pas : vérifiez votre connexion, puis réessayez.';
export const malformedMessage = 'Réponse inattendue du serveur : rechargez la page, puis réessayez.';

/** True for the rejection of a request the caller aborted itself. */
export function isAbort(error: unknown): boolean {
  return (error instanceof DOMException || error instanceof Error) && error.name === 'AbortError';
}

/** The error a refused reply stands for: the API's French `error`, else what its status means. */
export async function refusalOf(response: Response): Promise<ApiRequestError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  const parsed = apiErrorSchema.safeParse(body);
  if (parsed.success && parsed.data.error) return new ApiRequestError(response.status, parsed.data.error);
  return new ApiRequestError(
    response.status,
    response.status === 413
      ? 'Envoi trop gros pour le serveur.'
      : response.status >= 500
        ? `Le serveur a rencontré une erreur (${response.status}) : réessayez dans un instant.`
        : `Requête refusée (erreur ${response.status}).`,
  );
}

export interface CallOptions {
  /** Told, in French, each time a busy server makes the call wait before it is sent again. */
  onWait?: (message: string) => void;
  /** How long a call may keep waiting for a busy server, in all. */
  patienceMs?: number;
}

/** A busy server's answer: 503 with Retry-After (seconds). Its work was refused before it began. */
function busyFor(response: Response): number | undefined {
  if (response.status !== 503) return undefined;
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isInteger(seconds) && seconds > 0 && seconds <= 60 ? seconds : undefined;
}

function pause(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', stop, { once: true });
  });
}

/**
 * Sends a request and gives its reply when it is a success (2xx); throws an ApiRequestError
 * otherwise. While the server answers that it is too busy to start new work, the request is
 * sent again after the wait it asks for, within `patienceMs` (a minute by default); the body
 * must then be one that can be sent twice (a string, a Blob, FormData). An aborted request
 * rejects with the browser's AbortError, for callers to ignore.
 */
export async function apiFetch(path: string, init: RequestInit = {}, options: CallOptions = {}): Promise<Response> {
  const giveUpAt = Date.now() + (options.patienceMs ?? 60_000);
  for (;;) {
    let response: Response;
    try {
      response = await fetch(path, init);
    } catch (error) {
      if (isAbort(error)) throw error;
      throw new ApiRequestError(0, unreachableMessage);
    }
    if (response.ok) return response;
    const seconds = busyFor(response);
    if (seconds === undefined || Date.now() + seconds * 1000 > giveUpAt) throw await refusalOf(response);
    await response.body?.cancel().catch(() => {});
    options.onWait?.(`Le serveur est très chargé : nouvel essai dans ${seconds} s…`);
    await pause(seconds * 1000, init.signal);
  }
}

/** A reply's JSON, checked against `schema`. */
export async function replyOf<S extends z.ZodType>(response: Response, schema: S): Promise<z.infer<S>> {
  const parsed = schema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new ApiRequestError(response.status, malformedMessage);
  return parsed.data;
}
