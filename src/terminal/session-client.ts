// Browser side of the session REST API: opens a session for a TP (or reuses the one this tab
// had, so a reload keeps the same shell), and remembers it in localStorage.
import type { Health, SessionCreated, SessionState } from '../../shared/contract.ts';
import { learnerIdPattern } from '../../shared/limits.ts';

const storageKey = (lab: string) => `cours-docker:session:${lab}`;
const learnerKey = 'cours-docker:learner';

export class ApiRequestError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
  } catch {
    throw new ApiRequestError(0, 'Le serveur ne répond pas : vérifiez votre connexion, puis réessayez.');
  }
  if (response.status === 204) return undefined as T;
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok) throw new ApiRequestError(response.status, body.error ?? `Erreur ${response.status}.`);
  return body as T;
}

/** The anonymous learner id of this browser (random, kept in localStorage). */
export function learnerId(): string {
  let id = localStorage.getItem(learnerKey);
  if (!id || !learnerIdPattern.test(id)) {
    const bytes = crypto.getRandomValues(new Uint8Array(18));
    id = btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
    localStorage.setItem(learnerKey, id);
  }
  return id;
}

/** A session this browser holds: its state and its token. */
export type OpenSession = SessionState;

export async function engineAvailable(): Promise<boolean> {
  try {
    const health = await api<Health>('/api/health');
    return health.engine;
  } catch {
    return false;
  }
}

/** The session this browser had for the lab if it still lives, else a new one. */
export async function openSession(lab: string, forceNew = false): Promise<OpenSession> {
  const saved = localStorage.getItem(storageKey(lab));
  if (saved && !forceNew) {
    try {
      const previous = JSON.parse(saved) as SessionCreated;
      const state = await api<SessionState>(`/api/sessions/${previous.id}`, {
        headers: { authorization: `Bearer ${previous.token}` },
      });
      return { ...state, token: previous.token };
    } catch {
      localStorage.removeItem(storageKey(lab));
    }
  }
  const created = await api<SessionCreated>('/api/sessions', {
    method: 'POST',
    body: JSON.stringify({ lab, learner: learnerId() }),
  });
  localStorage.setItem(storageKey(lab), JSON.stringify(created));
  return created;
}

export async function closeSession(session: SessionCreated): Promise<void> {
  localStorage.removeItem(storageKey(session.lab));
  await api<void>(`/api/sessions/${session.id}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${session.token}` },
  }).catch(() => {});
}

export function sessionApi<T>(session: SessionCreated, path: string, body?: unknown): Promise<T> {
  return api<T>(`/api/sessions/${session.id}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.token}` },
    body: JSON.stringify(body ?? {}),
  });
}
