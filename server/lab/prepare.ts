// Prepares a TP in a sandbox before the student gets the terminal: copies the TP's files into
// /root and runs its set-up script; also runs a step's own set-up when the student reaches it.
import type { Lab, LabStep } from '../../shared/lab-schema.ts';
import { checkerCommand, lastLine, refusedStatus } from '../sandbox/checker.ts';
import type { SandboxDriver } from '../sandbox/driver.ts';
import { createTar } from '../sandbox/tar.ts';

export class LabSetupError extends Error {
  override name = 'LabSetupError';
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-5).join('\n');
}

export async function prepareLab(driver: SandboxDriver, sessionId: string, lab: Lab): Promise<void> {
  if (lab.files.length > 0) {
    const archive = createTar(
      lab.files.map((file) => ({
        path: file.path,
        mode: file.mode,
        content: Buffer.from(file.contentBase64, 'base64'),
      })),
    );
    const copied = await driver.exec(sessionId, ['tar', '-x', '--no-same-owner', '-C', '/root'], {
      stdin: archive,
      timeoutMs: 30_000,
    });
    if (copied.exitCode !== 0) {
      throw new LabSetupError(`Les fichiers du TP n'ont pas pu être copiés : ${tail(copied.stderr)}`);
    }
  }
  if (lab.setupScript) {
    const result = await driver.exec(sessionId, ['bash', '-e', '-c', lab.setupScript], {
      timeoutMs: lab.setupTimeout * 1000,
      env: { LAB_ID: lab.id },
    });
    if (result.exitCode !== 0) {
      throw new LabSetupError(
        result.timedOut
          ? `La préparation du TP a dépassé ${lab.setupTimeout} s.`
          : `La préparation du TP a échoué : ${tail(result.stderr || result.stdout)}`,
      );
    }
  }
}

/** What a step's set-up may print as its state: what its check will compare against. */
export const stepStateBytes = 64 * 1024;

/**
 * Runs a step's own set-up from the checker (the sandbox's files are under $SANDBOX_ROOT);
 * resolves with what it printed on stdout, the step's state, which the
 * server keeps and gives to the check (STEP_STATE): never a file the student could write first.
 */
export async function prepareStep(driver: SandboxDriver, sessionId: string, lab: Lab, step: LabStep): Promise<string> {
  if (!step.setup) return '';
  // From the checker, like the check: the state it prints comes from the sandbox's real engine.
  const result = await driver.exec(sessionId, [...checkerCommand, 'bash', '-e', '-c', step.setup], {
    timeoutMs: 120_000,
    env: { LAB_ID: lab.id, STEP_ID: step.id },
    maxOutputBytes: stepStateBytes,
    in: 'checker',
  });
  if (result.exitCode === refusedStatus) throw new LabSetupError(lastLine(result.stdout));
  if (result.exitCode !== 0) {
    throw new LabSetupError(`La préparation de l'étape a échoué : ${tail(result.stderr || result.stdout)}`);
  }
  return result.stdout.trim();
}
