// Unit tests of the steps plugin through inject: checks, answers, a step's own set-up, and the failures of the sandbox.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SandboxGoneError } from '../../../../../server/sandbox/driver.ts';
import type { ApiError, CheckAnswer } from '../../../../../shared/contract.ts';
import type { LabStep } from '../../../../../shared/lab-schema.ts';
import { appFixture, type Fixture } from '../../../fixtures/app-fixture.ts';
import { testLab } from '../../../fixtures/lab-fixtures.ts';

const task: LabStep = {
  id: 'construire',
  title: 'Construire l’image',
  kind: 'task',
  check: 'construire.sh',
  checkScript: 'docker image inspect app >/dev/null && pass "Bravo" || fail "Pas encore"',
  hints: ['Pensez à **docker build**.', 'Avec `-t app`.'],
  solution: 'Tapez `docker build -t app .`',
  solve: 'docker build -t app .',
  setup: 'docker pull alpine',
  timeout: 5,
  minutes: 5,
  challenge: false,
  slides: ['s'],
  instructions: 'i',
};
const question: LabStep = {
  id: 'combien',
  title: 'Combien de couches ?',
  kind: 'question',
  check: 'combien.sh',
  checkScript: '[ "$ANSWER" = 3 ] && pass "Oui" || fail "Non"',
  hints: ['h'],
  solution: 's',
  solve: 'echo 3',
  timeout: 5,
  minutes: 5,
  challenge: false,
  slides: ['s'],
  question: 'Combien ?',
  instructions: 'i',
};

const challenge: LabStep = { ...task, id: 'defi', title: 'Défi', challenge: true, hints: [] };

const labs = [
  testLab('tp-images', [task, question, challenge]),
  testLab('tp-casse', [task], { setupScript: 'exit 1' }),
];
const learner = 'Apprenant_0123-abcdef';

let fixture: Fixture;
beforeEach(async () => {
  fixture = await appFixture({ labs });
});
afterEach(() => fixture.close());

/** A session of the TP, prepared, with its bearer header. */
async function session(labId = 'tp-images') {
  const { session, token } = fixture.sessions.create(labId, learner);
  await session.ready;
  await session.ready;
  return { id: session.id, headers: { authorization: `Bearer ${token}` } };
}

function post(
  s: { id: string; headers: Record<string, string> },
  stepId: string,
  action: 'check' | 'setup' | 'hint' | 'solution',
  payload?: string | object,
  headers: Record<string, string> = {},
) {
  return fixture.app.inject({
    method: 'POST',
    url: `/api/sessions/${s.id}/steps/${stepId}/${action}`,
    headers: { ...s.headers, ...headers },
    ...(payload === undefined ? {} : { payload }),
  });
}

/** The execs that ran a step's own set-up script. */
function setupRuns(step: LabStep): number {
  return fixture.driver.execs.filter((e) => step.setup !== undefined && e.command.includes(step.setup)).length;
}

describe('POST /api/sessions/:id/steps/:stepId/check', () => {
  it('answers a passed check with the script’s last line, and records the pass', async () => {
    const s = await session();
    fixture.driver.nextExec = { exitCode: 0, stdout: 'docker...\nBravo\n' };
    const res = await post(s, 'construire', 'check', {});
    expect(res.statusCode).toBe(200);
    expect(res.json<CheckAnswer>()).toEqual({ passed: true, message: 'Bravo' });
    const exec = fixture.driver.execs.at(-1);
    expect(exec?.sessionId).toBe(s.id);
    expect(exec?.env).toMatchObject({ LAB_ID: 'tp-images', STEP_ID: 'construire' });
    expect(exec?.command.at(-1)).toContain(task.checkScript);
    expect(fixture.progress.forLearner(learner)).toEqual([
      { labId: 'tp-images', stepId: 'construire', passedAt: expect.any(String) as unknown },
    ]);
  });

  it('answers a check that is not passed yet, and records nothing', async () => {
    const s = await session();
    fixture.driver.nextExec = { exitCode: 1, stdout: 'Pas encore\n' };
    const res = await post(s, 'construire', 'check', {});
    expect(res.statusCode).toBe(200);
    expect(res.json<CheckAnswer>()).toEqual({ passed: false, message: 'Pas encore' });
    expect(fixture.progress.forLearner(learner)).toEqual([]);
  });

  it('gives a question step’s answer to the check in its environment', async () => {
    const s = await session();
    fixture.driver.nextExec = { exitCode: 0, stdout: 'Oui\n' };
    const res = await post(s, 'combien', 'check', { answer: '3' });
    expect(res.statusCode).toBe(200);
    expect(res.json<CheckAnswer>()).toEqual({ passed: true, message: 'Oui' });
    expect(fixture.driver.execs.at(-1)?.env?.ANSWER).toBe('3');
  });

  it('answers 400 for a question step without an answer, without running the check', async () => {
    const s = await session();
    const res = await post(s, 'combien', 'check', {});
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiError>().error).toMatch(/attend une réponse/);
    expect(fixture.driver.execs).toEqual([]);
  });

  it('answers 400 for an answer too long, without running the check', async () => {
    const s = await session();
    const res = await post(s, 'combien', 'check', { answer: 'x'.repeat(501) });
    expect(res.statusCode).toBe(400);
    expect(res.json<ApiError>().error).toMatch(/champ « answer \(la réponse\) » : Réponse trop longue/);
    expect(fixture.driver.execs).toEqual([]);
  });

  it('answers 404 for a step the TP does not have', async () => {
    const s = await session();
    const res = await post(s, 'nope', 'check', {});
    expect(res.statusCode).toBe(404);
    expect(res.json<ApiError>().error).toMatch(/Étape « nope » inconnue/);
  });

  it('answers 404 for a step of a bare sandbox', async () => {
    const s = await session('bac-a-sable');
    const res = await post(s, 'construire', 'check', {});
    expect(res.statusCode).toBe(404);
    expect(res.json<ApiError>().error).toMatch(/Étape « construire » inconnue/);
  });

  it('takes an empty body sent as application/json, as the browser and curl send', async () => {
    const s = await session();
    fixture.driver.nextExec = { exitCode: 0, stdout: 'Bravo\n' };
    const res = await post(s, 'construire', 'check', '', { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(200);
    expect(res.json<CheckAnswer>().passed).toBe(true);
  });

  it('takes a request without any body', async () => {
    const s = await session();
    const res = await post(s, 'construire', 'check');
    expect(res.statusCode).toBe(200);
    expect(res.json<CheckAnswer>().passed).toBe(true);
  });

  it('answers 401 without a token and 403 from a foreign Origin, without running the check', async () => {
    const s = await session();
    const anonymous = await fixture.app.inject({
      method: 'POST',
      url: `/api/sessions/${s.id}/steps/construire/check`,
      payload: {},
    });
    expect(anonymous.statusCode).toBe(401);
    const foreign = await post(s, 'construire', 'check', {}, { origin: 'https://ailleurs.example' });
    expect(foreign.statusCode).toBe(403);
    expect(fixture.driver.execs).toEqual([]);
  });

  it('answers 409 when the TP’s set-up failed in the sandbox', async () => {
    fixture.driver.nextExec = { exitCode: 1, stderr: 'boum' };
    const s = await session('tp-casse');
    fixture.driver.nextExec = {};
    expect(fixture.sessions.get(s.id)?.state).toBe('failed');
    const res = await post(s, 'construire', 'check', {});
    expect(res.statusCode).toBe(409);
    expect(res.json<ApiError>().error).toMatch(/^Le TP n'a pas pu être préparé : .*boum.* « Réinitialiser »/);
    const setup = await post(s, 'construire', 'setup', {});
    expect(setup.statusCode).toBe(409);
    // Only the TP's set-up ran: neither the check nor the step's set-up.
    expect(fixture.driver.execs).toHaveLength(1);
  });

  it('answers 410 and ends the session when its sandbox is gone', async () => {
    const s = await session();
    fixture.driver.exec = () => Promise.reject(new SandboxGoneError(s.id));
    const res = await post(s, 'construire', 'check', {});
    expect(res.statusCode).toBe(410);
    expect(res.json<ApiError>().error).toMatch(/n'existe plus/);
    expect(fixture.sessions.get(s.id)).toBeUndefined();
    expect(fixture.driver.removed).toEqual([s.id]);
    const after = await fixture.app.inject({ method: 'GET', url: `/api/sessions/${s.id}`, headers: s.headers });
    expect(after.statusCode).toBe(404);
  });
});

describe('POST /api/sessions/:id/steps/:stepId/setup', () => {
  it('runs the step’s own set-up once per sandbox', async () => {
    const s = await session();
    const first = await post(s, 'construire', 'setup', {});
    expect(first.statusCode).toBe(200);
    expect(first.json<{ ok: true }>()).toEqual({ ok: true });
    expect(setupRuns(task)).toBe(1);
    expect(fixture.driver.execs.at(-1)?.env).toEqual({ LAB_ID: 'tp-images', STEP_ID: 'construire' });
    const second = await post(s, 'construire', 'setup', '', { 'content-type': 'application/json' });
    expect(second.statusCode).toBe(200);
    expect(setupRuns(task)).toBe(1);
  });

  it('runs it once when two requests come at the same time (a double click, two tabs)', async () => {
    const s = await session();
    // A set-up that takes a while, so the second request comes while the first runs.
    const exec = fixture.driver.exec.bind(fixture.driver);
    fixture.driver.exec = async (...args) => {
      await new Promise((r) => setTimeout(r, 50));
      return exec(...args);
    };
    const [one, two] = await Promise.all([post(s, 'construire', 'setup', {}), post(s, 'construire', 'setup', {})]);
    expect([one.statusCode, two.statusCode]).toEqual([200, 200]);
    expect(setupRuns(task)).toBe(1);
  });

  it('runs it again in another sandbox', async () => {
    const a = await session();
    const b = await session();
    await post(a, 'construire', 'setup', {});
    await post(b, 'construire', 'setup', {});
    expect(fixture.driver.execs.filter((e) => e.command.includes(task.setup ?? '')).map((e) => e.sessionId)).toEqual([
      a.id,
      b.id,
    ]);
  });

  it('answers ok without running anything for a step without set-up', async () => {
    const s = await session();
    const res = await post(s, 'combien', 'setup');
    expect(res.statusCode).toBe(200);
    expect(fixture.driver.execs).toEqual([]);
  });

  it('answers 500 in French when the step’s set-up fails, and runs it again next time', async () => {
    const s = await session();
    fixture.driver.nextExec = { exitCode: 1, stderr: 'pull impossible' };
    const res = await post(s, 'construire', 'setup', {});
    expect(res.statusCode).toBe(500);
    expect(res.json<ApiError>().error).toMatch(/La préparation de l'étape a échoué : pull impossible/);
    fixture.driver.nextExec = {};
    expect((await post(s, 'construire', 'setup', {})).statusCode).toBe(200);
    expect(setupRuns(task)).toBe(2);
  });

  it('answers 404 for a step the TP does not have', async () => {
    const s = await session();
    const res = await post(s, 'nope', 'setup', {});
    expect(res.statusCode).toBe(404);
    expect(res.json<ApiError>().error).toMatch(/Étape « nope » inconnue/);
  });

  it('answers 410 and ends the session when its sandbox is gone', async () => {
    const s = await session();
    fixture.driver.exec = () => Promise.reject(new SandboxGoneError(s.id));
    const res = await post(s, 'construire', 'setup', {});
    expect(res.statusCode).toBe(410);
    expect(fixture.sessions.get(s.id)).toBeUndefined();
  });
});

describe('hints and solution, from the API on demand', () => {
  it('gives hints one at a time, as HTML, and records each for the instructor', async () => {
    const s = await session();
    const tooSoon = await post(s, 'construire', 'hint', { index: 1 });
    expect(tooSoon.statusCode).toBe(409);
    expect(tooSoon.json<{ error: string }>().error).toMatch(/un à la fois/);
    const first = await post(s, 'construire', 'hint', { index: 0 });
    expect(first.statusCode).toBe(200);
    const hint = first.json<{ index: number; count: number; html: string }>();
    expect([hint.index, hint.count]).toEqual([0, 2]);
    expect(hint.html).toContain('<strong>docker build</strong>');
    // Asking again for a hint already shown is fine, and not recorded twice.
    expect((await post(s, 'construire', 'hint', { index: 0 })).statusCode).toBe(200);
    expect((await post(s, 'construire', 'hint', { index: 1 })).json<{ html: string }>().html).toContain(
      '<code>-t app</code>',
    );
    const none = await post(s, 'construire', 'hint', { index: 2 });
    expect(none.statusCode).toBe(404);
    expect(none.json<{ error: string }>().error).toMatch(/n'a que 2 indices/);
    expect((await post(s, 'construire', 'hint', { index: -1 })).statusCode).toBe(400);
    expect((await post(s, 'construire', 'hint', {})).statusCode).toBe(400);
    const shown = fixture.progress.helpForSession(s.id);
    expect(shown.map((h) => [h.kind, h.hintIndex, h.learnerId, h.stepId])).toEqual([
      ['hint', 0, learner, 'construire'],
      ['hint', 1, learner, 'construire'],
    ]);
  });

  it('gives the solution, recorded too, and only to the session’s own token', async () => {
    const s = await session();
    const solution = await post(s, 'construire', 'solution', {});
    expect(solution.statusCode).toBe(200);
    expect(solution.json<{ html: string }>().html).toContain('docker build -t app .');
    expect(fixture.progress.helpForSession(s.id).map((h) => h.kind)).toEqual(['solution']);
    const other = await post(s, 'construire', 'solution', {}, { authorization: 'Bearer faux' });
    expect(other.statusCode).toBe(403);
    expect((await post(s, 'nope', 'solution', {})).statusCode).toBe(404);
  });

  it('gives neither hint nor solution for a challenge, and records nothing', async () => {
    const s = await session();
    for (const [action, body] of [
      ['hint', { index: 0 }],
      ['solution', {}],
    ] as const) {
      const response = await post(s, 'defi', action, body);
      expect(response.statusCode).toBe(403);
      expect(response.json<{ error: string }>().error).toContain('défi');
    }
    expect(fixture.progress.helpForSession(s.id)).toEqual([]);
  });
});
