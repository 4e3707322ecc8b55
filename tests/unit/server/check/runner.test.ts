// Unit tests of the check runner on a fake driver: outcomes, messages, timeouts, answers.
import { describe, expect, it } from 'vitest';
import { lastLine } from '../../../../server/sandbox/checker.ts';
import { runCheck } from '../../../../server/check/runner.ts';
import { silentLogger } from '../../../../server/log/log.ts';
import type { Lab, LabStep } from '../../../../shared/lab-schema.ts';
import { FakeDriver } from '../../fixtures/fake-driver.ts';
import { testStep } from '../../fixtures/lab-fixtures.ts';

const step: LabStep = testStep('etape', {
  title: 'Étape',
  kind: 'question',
  checkScript: 'require_answer; pass "ok"',
  question: 'Q ?',
});
const lab = { id: 'tp', steps: [step] } as unknown as Lab;

describe('runCheck', () => {
  it('passes the answer in the environment, never in the script', async () => {
    const driver = new FakeDriver();
    driver.nextExec = { exitCode: 0, stdout: 'bruit\nBravo !\n' };
    const result = await runCheck(driver, 's1', { lab, step, library: 'LIB', answer: '$(rm -rf /)' }, silentLogger);
    expect(result).toEqual({ passed: true, message: 'Bravo !', evidence: [] });
    const exec = driver.execs[0];
    expect(exec?.env?.ANSWER).toBe('$(rm -rf /)');
    expect(exec?.command.join(' ')).not.toContain('rm -rf');
  });

  it('gives the check the state its step’s set-up printed, kept by the server', async () => {
    const driver = new FakeDriver();
    driver.nextExec = { exitCode: 0, stdout: 'Bravo !\n' };
    await runCheck(driver, 's1', { lab, step, library: 'LIB', state: 'sha256:aa\nsha256:bb' }, silentLogger);
    expect(driver.execs[0]?.env?.STEP_STATE).toBe('sha256:aa\nsha256:bb');
    await runCheck(driver, 's1', { lab, step, library: 'LIB' }, silentLogger);
    expect(driver.execs[1]?.env?.STEP_STATE).toBe('');
  });

  it('runs the check from the checker, through sandbox-checker, never in the sandbox', async () => {
    const driver = new FakeDriver();
    driver.nextExec = { exitCode: 0, stdout: 'Bravo !\n' };
    await runCheck(driver, 's1', { lab, step, library: 'LIB', answer: '3' }, silentLogger);
    expect(driver.execs[0]?.in).toBe('checker');
    expect(driver.execs[0]?.command.slice(0, 5)).toEqual(['sandbox-checker', '--mounts', '--engine', '--', 'bash']);
  });

  it('gives the checker’s refusal to judge as it is, with what it found for the instructor', async () => {
    const driver = new FakeDriver();
    driver.nextExec = {
      exitCode: 3,
      stdout:
        '::preuve:: vérification refusée, montage sur un dossier système : /usr/local/bin (tmpfs)\nLa vérification refuse de juger : des dossiers système du bac à sable ont été remplacés par un montage (/usr/local/bin (tmpfs)).\n',
    };
    const result = await runCheck(driver, 's1', { lab, step, library: '' }, silentLogger);
    expect(result.passed).toBe(false);
    expect(result.message).toMatch(/^La vérification refuse de juger/);
    expect(result.evidence).toEqual(['vérification refusée, montage sur un dossier système : /usr/local/bin (tmpfs)']);
  });

  it('reports exit 1 as not passed with the script’s message', async () => {
    const driver = new FakeDriver();
    driver.nextExec = { exitCode: 1, stdout: "L'image manque.\n" };
    expect(await runCheck(driver, 's1', { lab, step, library: '' }, silentLogger)).toEqual({
      passed: false,
      message: "L'image manque.",
      evidence: [],
    });
  });

  it('keeps the evidence lines apart from the message, bounded', async () => {
    const driver = new FakeDriver();
    const noise = Array.from({ length: 30 }, (_, i) => `::preuve:: ligne ${i} ${'x'.repeat(400)}`).join('\n');
    driver.nextExec = {
      exitCode: 0,
      stdout: `::preuve:: mon-app:1.0 sha256:aa\n${noise}\nBravo !\n::preuve:: après\n`,
    };
    const result = await runCheck(driver, 's1', { lab, step, library: '' }, silentLogger);
    expect(result.message).toBe('Bravo !');
    expect(result.evidence?.[0]).toBe('mon-app:1.0 sha256:aa');
    expect(result.evidence).toHaveLength(20);
    expect(Math.max(...(result.evidence ?? []).map((line) => line.length))).toBe(300);
  });

  it('reports a timeout and an unexpected failure in French', async () => {
    const driver = new FakeDriver();
    driver.nextExec = { exitCode: 137, timedOut: true };
    expect((await runCheck(driver, 's1', { lab, step, library: '' }, silentLogger)).message).toMatch(
      /n'a pas répondu en 5 s/,
    );
    driver.nextExec = { exitCode: 2, stderr: 'syntax error' };
    expect((await runCheck(driver, 's1', { lab, step, library: '' }, silentLogger)).message).toMatch(
      /erreur inattendue/,
    );
  });

  it('takes the last non-empty line as the message', () => {
    expect(lastLine('a\n\n b \n\n')).toBe('b');
    expect(lastLine('')).toBe('');
  });
});
