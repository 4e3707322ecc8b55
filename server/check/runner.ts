// Runs a step's check from the sandbox's checker (its own binaries, the sandbox's files under
// /proc/1/root, a verified path to the sandbox's engine), never in the student's shell, cut at
// the step's timeout, and turns the outcome into a French answer.
import type { Lab, LabStep, TsCheckId } from '../../shared/lab-schema.ts';
import type { Logger } from '../log/log.ts';
import type { SandboxDriver } from '../sandbox/driver.ts';
import { checkerCommand, evidenceLines, lastLine, refusedStatus, sandboxRoot } from '../sandbox/checker.ts';
import { dockerfileLintCheck } from './dockerfile-lint-check.ts';
import type { CheckContext, CheckResult, TsCheck } from './types.ts';

/** The TypeScript checks, by the id steps name them with (the schema's `tsCheckIds`). */
export const tsChecks: Record<TsCheckId, TsCheck> = {
  'dockerfile-lint': dockerfileLintCheck,
};

export interface CheckRequest {
  lab: Lab;
  step: LabStep;
  answer?: string;
  library: string;
  /** What the step's set-up printed, kept by the server (STEP_STATE); '' when it has none. */
  state?: string;
}

/** What readFile keeps of a file by default; a check that bounds its input asks for less. */
const defaultReadBytes = 512 * 1024;

function contextFor(driver: SandboxDriver, sessionId: string, timeoutMs: number, log: Logger): CheckContext {
  return {
    async readFile(path, maxBytes = defaultReadBytes) {
      if (!path.startsWith('/')) return null;
      const result = await driver.exec(sessionId, ['cat', '--', `${sandboxRoot}${path}`], {
        timeoutMs,
        maxOutputBytes: maxBytes,
        in: 'checker',
      });
      return result.exitCode === 0 ? result.stdout : null;
    },
    exec: (command) => driver.exec(sessionId, [...checkerCommand, ...command], { timeoutMs, in: 'checker' }),
    log,
  };
}

export async function runCheck(
  driver: SandboxDriver,
  sessionId: string,
  request: CheckRequest,
  log: Logger,
): Promise<CheckResult> {
  const { lab, step, answer = '', library, state = '' } = request;
  const timeoutMs = step.timeout * 1000;
  if (typeof step.check !== 'string') {
    const check = tsChecks[step.check.ts];
    const timeout = new Promise<CheckResult>((resolve) =>
      setTimeout(
        () => resolve({ passed: false, message: `La vérification n'a pas répondu en ${step.timeout} s. Réessayez.` }),
        timeoutMs,
      ),
    );
    return Promise.race([check(contextFor(driver, sessionId, timeoutMs, log), step.check.options), timeout]);
  }
  const result = await driver.exec(
    sessionId,
    [...checkerCommand, 'bash', '-c', `${library}\n${step.checkScript ?? ''}`],
    {
      timeoutMs,
      env: { ANSWER: answer, LAB_ID: lab.id, STEP_ID: step.id, STEP_STATE: state },
      maxOutputBytes: 64 * 1024,
      in: 'checker',
    },
  );
  const message = lastLine(result.stdout);
  const evidence = evidenceLines(result.stdout);
  if (result.timedOut) {
    log.warn('check timed out', { lab: lab.id, step: step.id, sessionId });
    return {
      passed: false,
      message: `La vérification n'a pas répondu en ${step.timeout} s et a été interrompue. Attendez que vos commandes se terminent, puis réessayez.`,
    };
  }
  if (result.exitCode === 0) return { passed: true, message: message || 'Étape réussie, bravo !', evidence };
  if (result.exitCode === 1)
    return { passed: false, message: message || "Ce n'est pas encore ça : relisez la consigne.", evidence };
  if (result.exitCode === refusedStatus) {
    log.warn('check refused: the sandbox was tampered with', { lab: lab.id, step: step.id, sessionId, evidence });
    return { passed: false, message, evidence };
  }
  log.error('check failed unexpectedly', {
    lab: lab.id,
    step: step.id,
    exitCode: result.exitCode,
    stderr: result.stderr.slice(-500),
  });
  return {
    passed: false,
    message: `La vérification a rencontré une erreur inattendue (code ${result.exitCode}). Réessayez ; si cela se répète, signalez-le à votre formateur.`,
  };
}
