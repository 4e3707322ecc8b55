// The REST API of the public contract: health, labs, sessions, step checks, progress.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sandboxLabId, type LabSummary, type SessionState } from '../../src/shared/contract.ts';
import type { Lab } from '../../src/shared/lab-schema.ts';
import { runCheck } from '../check/runner.ts';
import { LabSetupError, prepareStep } from '../lab/prepare.ts';
import type { Logger } from '../log.ts';
import type { ProgressStore } from '../progress/store.ts';
import type { SandboxDriver } from '../sandbox/driver.ts';
import { SessionLimitError, type Session, type SessionManager } from '../session/manager.ts';
import { bearerToken, HttpError, readJson, sendJson } from './respond.ts';

export interface ApiDeps {
  driver: SandboxDriver;
  sessions: SessionManager | undefined;
  labs: Map<string, Lab>;
  progress: ProgressStore;
  checkLibrary: string;
  log: Logger;
}

const learnerPattern = /^[A-Za-z0-9_-]{16,64}$/;
const maxAnswerLength = 500;

const engineMissing =
  'Aucun moteur Docker ne répond : les bacs à sable sont indisponibles. Installez Docker (apt-get install docker.io), démarrez-le (dockerd), puis relancez le serveur.';

export function labSummaries(labs: Map<string, Lab>): LabSummary[] {
  return [...labs.values()].map((lab) => ({
    id: lab.id,
    title: lab.title,
    steps: lab.steps.map((step) => ({ id: step.id, title: step.title })),
  }));
}

function sessionState(manager: SessionManager, session: Session): SessionState {
  return {
    id: session.id,
    token: '',
    lab: session.labId,
    expiresAt: session.expiresAt.toISOString(),
    idleExpiresAt: manager.idleExpiresAt(session).toISOString(),
    state: session.state,
  };
}

function requireSessions(deps: ApiDeps): SessionManager {
  if (!deps.sessions) throw new HttpError(503, engineMissing);
  return deps.sessions;
}

function authenticated(deps: ApiDeps, req: IncomingMessage, id: string): Session {
  const manager = requireSessions(deps);
  const token = bearerToken(req);
  if (!token) throw new HttpError(401, 'Jeton manquant : envoyez « Authorization: Bearer <jeton> ».');
  const session = manager.authenticate(id, token);
  if (!session) {
    throw new HttpError(
      manager.get(id) ? 403 : 404,
      manager.get(id)
        ? 'Jeton invalide pour cette session.'
        : 'Session introuvable ou terminée : rechargez la page pour en ouvrir une nouvelle.',
    );
  }
  manager.touch(session);
  return session;
}

function stepOf(deps: ApiDeps, session: Session, stepId: string) {
  const lab = deps.labs.get(session.labId);
  const step = lab?.steps.find((s) => s.id === stepId);
  if (!lab || !step) {
    throw new HttpError(404, `Étape « ${stepId.slice(0, 64)} » inconnue pour ce TP.`);
  }
  return { lab, step };
}

/** A sandbox that vanished (removed by hand, crashed) ends its session with a clear message. */
async function inSandbox<T>(deps: ApiDeps, session: Session, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 404 || status === 409) {
      await deps.sessions?.destroy(session.id, 'lost');
      throw new HttpError(
        410,
        "Votre bac à sable n'existe plus (arrêté ou supprimé). Rechargez la page pour en ouvrir un neuf.",
      );
    }
    if (error instanceof LabSetupError) {
      throw new HttpError(500, `${error.message} Réessayez, ou cliquez sur « Réinitialiser ».`);
    }
    throw error;
  }
}

/** Handles /api/*; returns false when no route matches. */
export async function handleApi(deps: ApiDeps, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const p = url.pathname;
  const method = req.method ?? 'GET';
  let m: RegExpExecArray | null;

  if (p === '/api/health' && method === 'GET') {
    sendJson(res, 200, { ok: true, engine: await deps.driver.engineAvailable() });
    return true;
  }
  if (p === '/api/labs' && method === 'GET') {
    sendJson(res, 200, labSummaries(deps.labs));
    return true;
  }
  if ((m = /^\/api\/labs\/([^/]+)$/.exec(p)) && method === 'GET') {
    const lab = labSummaries(deps.labs).find((l) => l.id === m?.[1]);
    if (!lab) throw new HttpError(404, `TP « ${decodeURIComponent(m[1] ?? '').slice(0, 64)} » inconnu.`);
    sendJson(res, 200, lab);
    return true;
  }
  if (p === '/api/sessions' && method === 'POST') {
    const body = await readJson(req);
    const lab = body.lab ?? sandboxLabId;
    if (typeof lab !== 'string' || (lab !== sandboxLabId && !deps.labs.has(lab))) {
      throw new HttpError(
        404,
        `TP « ${typeof lab === 'string' ? lab.slice(0, 64) : '?'} » inconnu. TP disponibles : ${[...deps.labs.keys(), sandboxLabId].join(', ')}.`,
      );
    }
    const learner = body.learner;
    if (learner !== undefined && (typeof learner !== 'string' || !learnerPattern.test(learner))) {
      throw new HttpError(400, 'Identifiant d’apprenant invalide (16 à 64 caractères parmi A-Z, a-z, 0-9, - et _).');
    }
    const manager = requireSessions(deps);
    try {
      const { session, token } = await manager.create(lab, learner ?? null);
      sendJson(res, 201, { ...sessionState(manager, session), token });
    } catch (error) {
      if (error instanceof SessionLimitError) throw new HttpError(503, error.message);
      deps.log.error('session creation failed', { error });
      throw new HttpError(
        500,
        `Le bac à sable n'a pas pu démarrer : ${(error as Error).message}. Réessayez dans un instant.`,
      );
    }
    return true;
  }
  if ((m = /^\/api\/sessions\/([a-f0-9]{1,64})$/.exec(p))) {
    const id = m[1] ?? '';
    if (method === 'GET') {
      const session = authenticated(deps, req, id);
      sendJson(res, 200, sessionState(requireSessions(deps), session));
      return true;
    }
    if (method === 'DELETE') {
      authenticated(deps, req, id);
      await requireSessions(deps).destroy(id, 'deleted');
      res.writeHead(204).end();
      return true;
    }
  }
  if ((m = /^\/api\/sessions\/([a-f0-9]{1,64})\/steps\/([^/]{1,100})\/(check|setup)$/.exec(p)) && method === 'POST') {
    const session = authenticated(deps, req, m[1] ?? '');
    const { lab, step } = stepOf(deps, session, decodeURIComponent(m[2] ?? ''));
    const body = await readJson(req);
    await session.ready;
    if (session.state === 'failed') {
      throw new HttpError(
        409,
        `Le TP n'a pas pu être préparé : ${session.failure ?? ''} Cliquez sur « Réinitialiser ».`,
      );
    }
    if (m[3] === 'setup') {
      if (!session.stepsSetUp.has(step.id)) {
        await inSandbox(deps, session, () => prepareStep(deps.driver, session.id, lab, step));
        session.stepsSetUp.add(step.id);
      }
      sendJson(res, 200, { ok: true });
      return true;
    }
    let answer: string | undefined;
    if (step.kind === 'question') {
      if (typeof body.answer !== 'string') {
        throw new HttpError(400, 'Cette étape attend une réponse : envoyez {"answer": "..."}.');
      }
      if (body.answer.length > maxAnswerLength) {
        throw new HttpError(400, `Réponse trop longue (maximum ${maxAnswerLength} caractères).`);
      }
      answer = body.answer;
    }
    const request = { lab, step, library: deps.checkLibrary, ...(answer === undefined ? {} : { answer }) };
    const result = await inSandbox(deps, session, () => runCheck(deps.driver, session.id, request, deps.log));
    if (result.passed && session.learnerId) deps.progress.recordPass(session.learnerId, lab.id, step.id);
    sendJson(res, 200, result);
    return true;
  }
  if ((m = /^\/api\/learners\/([^/]+)\/progress$/.exec(p)) && method === 'GET') {
    const learner = m[1] ?? '';
    if (!learnerPattern.test(learner)) throw new HttpError(400, 'Identifiant d’apprenant invalide.');
    sendJson(res, 200, { learner, steps: deps.progress.forLearner(learner) });
    return true;
  }
  if (p.startsWith('/api/')) {
    throw new HttpError(404, `Route inconnue : ${method} ${p.slice(0, 100)}.`);
  }
  return false;
}
