// Browser side of the session REST API: opens a session for a TP (or reuses the one this tab
// had, so a reload keeps the same shell), and remembers it in localStorage; the learner's key
// and progress.
import type { Health, LearnerCreated, Progress, SessionCreated, SessionState } from '../../shared/contract.ts';
import { learnerIdPattern, learnerKeyHeader, learnerKeyPattern } from '../../shared/limits.ts';
import { ApiRequestError, apiFetch, type CallOptions } from '../api/client.ts';

const storageKey = (lab: string) => `cours-docker:session:${lab}`;

export { ApiRequestError };

async function api<T>(path: string, init: RequestInit = {}, options: CallOptions = {}): Promise<T> {
  const response = await apiFetch(
    path,
    { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } },
    options,
  );
  if (response.status === 204) return undefined as T;
  return (await response.json().catch(() => ({}))) as T;
}

/** Where the browser kept the id it made itself before the server issued keys. */
const legacyLearnerKey = 'cours-docker:learner';
const learnerKeyStorage = 'cours-docker:learner-key';

/**
 * This browser's learner key, issued by the server on first use (kept in localStorage). An id
 * the browser made itself before keys existed is handed over once, so its progress follows.
 */
export async function learnerKey(options: CallOptions = {}): Promise<string> {
  const kept = localStorage.getItem(learnerKeyStorage);
  if (kept && learnerKeyPattern.test(kept)) return kept;
  const legacy = localStorage.getItem(legacyLearnerKey);
  const created = await api<LearnerCreated>(
    '/api/learners',
    { method: 'POST', body: JSON.stringify(legacy && learnerIdPattern.test(legacy) ? { legacyId: legacy } : {}) },
    options,
  );
  localStorage.setItem(learnerKeyStorage, created.key);
  localStorage.removeItem(legacyLearnerKey);
  return created.key;
}

/** A key the server no longer knows (its data was reset) is dropped; the next call gets a new one. */
function forgetLearnerKey(): void {
  localStorage.removeItem(learnerKeyStorage);
}

/** The learner's progress on the server (every TP), or null when it cannot be read now. */
export async function learnerProgress(): Promise<Progress | null> {
  try {
    return await api<Progress>('/api/learners/me/progress', { headers: { [learnerKeyHeader]: await learnerKey() } });
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 403) forgetLearnerKey();
    return null;
  }
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

/**
 * The session this browser had for the lab if it still lives, else a new one; `options.onWait`
 * hears of the waits a busy server asks for.
 */
export async function openSession(lab: string, forceNew = false, options: CallOptions = {}): Promise<OpenSession> {
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
  const create = async () =>
    api<SessionCreated>(
      '/api/sessions',
      { method: 'POST', headers: { [learnerKeyHeader]: await learnerKey(options) }, body: JSON.stringify({ lab }) },
      options,
    );
  let created: SessionCreated;
  try {
    created = await create();
  } catch (error) {
    if (!(error instanceof ApiRequestError && error.status === 403 && /Clé d’apprenant/.test(error.message))) {
      throw error;
    }
    forgetLearnerKey();
    created = await create();
  }
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
