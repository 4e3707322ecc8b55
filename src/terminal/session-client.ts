// Browser side of the session REST API: opens a session for a TP (or reuses the one this tab
// had, so a reload keeps the same shell), and remembers it in localStorage; the learner's key
// and progress.
import type { z } from 'zod';
import {
  healthSchema,
  learnerCreatedSchema,
  progressSchema,
  sessionStateSchema,
  type Progress,
  type SessionCreated,
  type SessionState,
} from '../../shared/contract.ts';
import { learnerIdPattern, learnerKeyHeader, learnerKeyPattern } from '../../shared/limits.ts';
import { ApiRequestError, apiFetch, replyOf, type CallOptions } from '../api/client.ts';

const storageKey = (lab: string) => `cours-docker:session:${lab}`;

export { ApiRequestError };

/** A JSON call to the API, its reply checked against the contract's `schema`. */
async function api<S extends z.ZodType>(
  path: string,
  schema: S,
  init: RequestInit = {},
  options: CallOptions = {},
): Promise<z.infer<S>> {
  return replyOf(await send(path, init, options), schema);
}

function send(path: string, init: RequestInit, options: CallOptions = {}): Promise<Response> {
  return apiFetch(path, { ...init, headers: { 'content-type': 'application/json', ...(init.headers ?? {}) } }, options);
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
  const created = await api(
    '/api/learners',
    learnerCreatedSchema,
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
    return await api('/api/learners/me/progress', progressSchema, {
      headers: { [learnerKeyHeader]: await learnerKey() },
    });
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 403) forgetLearnerKey();
    return null;
  }
}

/** A session this browser holds: its state and its token. */
export type OpenSession = SessionState;

export async function engineAvailable(): Promise<boolean> {
  try {
    const health = await api('/api/health', healthSchema);
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
      const previous = sessionStateSchema.parse(JSON.parse(saved));
      const state: SessionState = await api(`/api/sessions/${previous.id}`, sessionStateSchema, {
        headers: { authorization: `Bearer ${previous.token}` },
      });
      return { ...state, token: previous.token };
    } catch {
      localStorage.removeItem(storageKey(lab));
    }
  }
  const create = async () =>
    api(
      '/api/sessions',
      sessionStateSchema,
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
  // The reply (204, nothing in it) says nothing the page needs.
  await send(`/api/sessions/${session.id}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${session.token}` },
  })
    .then((response) => response.body?.cancel())
    .catch(() => {});
}

/** A POST on one of the session's routes, its reply checked against the contract's `schema`. */
export function sessionApi<S extends z.ZodType>(
  session: SessionCreated,
  path: string,
  schema: S,
  body?: unknown,
): Promise<z.infer<S>> {
  return api(`/api/sessions/${session.id}${path}`, schema, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.token}` },
    body: JSON.stringify(body ?? {}),
  });
}
