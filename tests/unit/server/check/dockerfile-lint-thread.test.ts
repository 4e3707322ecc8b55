// Unit tests of the linter's thread: crafted Dockerfiles of a few hundred KB come back linted
// while the main thread keeps running, an overrun or a crash answers in French and the next lint
// gets a new thread, oversized Dockerfiles are refused without any work, and the check reads no
// more of the sandbox's file than the bound.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { Lab, LabStep } from '../../../../shared/lab-schema.ts';
import { silentLogger } from '../../../../server/log/log.ts';
import type { ExecOptions, SandboxDriver } from '../../../../server/sandbox/driver.ts';
import { dockerfileLintCheck } from '../../../../server/check/dockerfile-lint-check.ts';
import {
  DockerfileLintThread,
  maxDockerfileBytes,
  maxDockerfileLines,
  type LintThreadOptions,
  type LintResult,
} from '../../../../server/check/dockerfile-lint-thread.ts';
import { lintDockerfile } from '../../../../server/check/dockerfile-lint.ts';
import { runCheck } from '../../../../server/check/runner.ts';
import type { CheckContext } from '../../../../server/check/types.ts';

const df = (...lines: string[]): string => `${lines.join('\n')}\n`;
const rulesOf = (result: LintResult): string[] => (result.ok ? result.findings.map((finding) => finding.rule) : []);

const threads: DockerfileLintThread[] = [];
afterEach(async () => {
  for (const thread of threads.splice(0)) await thread.close();
});

function make(options: Partial<LintThreadOptions> = {}): DockerfileLintThread {
  const thread = new DockerfileLintThread(options);
  threads.push(thread);
  return thread;
}

/** Under the byte bound, one long line each: what the rewritten rules used to choke on. */
const size = 250 * 1024;
const crafted: Record<string, { text: string; rules: string[] }> = {
  // DL3009's clean-up regex retried from each `rm`, scanning to the end every time.
  'rm words': { text: df('FROM debian:12', `RUN apt-get update ${'rm '.repeat(size / 3)}`), rules: ['DL3009'] },
  // ... and tried every split of the blanks after `rm` (exec form and heredocs keep them).
  'rm blanks': {
    text: df('FROM debian:12', `RUN ["apt-get", "update", "rm${' '.repeat(size)}x"]`),
    rules: ['DL3009'],
  },
  'rm blanks in a heredoc': {
    text: df('FROM debian:12', 'RUN <<EOF', 'apt-get update', `rm${' \t'.repeat(size / 2)}x`, 'EOF'),
    rules: ['DL3009'],
  },
  'clean-up after the blanks': {
    text: df('FROM debian:12', `RUN apt-get update && rm${' '.repeat(size)}/var/lib/apt/lists/*`),
    rules: [],
  },
  // dockerfile-ast dropped each flag from the arguments with an Array#shift.
  flags: { text: df('FROM debian:12', `RUN ${'-- '.repeat(size / 3)}apt-get upgrade`), rules: ['DL3005'] },
};

describe('DockerfileLintThread', () => {
  it('lints crafted Dockerfiles of a few hundred KB while the main thread keeps ticking', async () => {
    // A generous limit, not to depend on the machine: the former rules took 13 s (flags), 20 s
    // (rm words) and more (rm blanks: 10 s at 80 KB already, growing with the square) on these;
    // the linear ones take well under a second each.
    const thread = make({ timeoutMs: 15_000 });
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 10);
    try {
      const results = await Promise.all(Object.values(crafted).map(({ text }) => thread.lint(text)));
      // Lints on the main thread would run back to back before the first tick.
      expect(ticks).toBeGreaterThanOrEqual(5);
      expect(results.map(rulesOf)).toEqual(Object.values(crafted).map(({ rules }) => rules));
    } finally {
      clearInterval(ticker);
    }
    expect(thread.started).toBe(1);
  }, 60_000);

  it('gives the same findings as the synchronous linter', async () => {
    const text = df('FROM debian', 'MAINTAINER moi', 'RUN apt-get update', 'RUN cd /tmp', 'CMD run');
    expect(await make().lint(text)).toEqual({ ok: true, findings: lintDockerfile(text) });
  });

  it('ends a lint that overruns its time limit, in French, and the next lint gets a new thread', async () => {
    const thread = make({ timeoutMs: 500 });
    const [slow, waiting] = await Promise.all([
      thread.lint(df('FROM debian:12'), { spinMs: 60_000 }),
      thread.lint(df('FROM debian')),
    ]);
    expect(slow).toMatchObject({ ok: false, reason: 'timeout' });
    expect(slow.ok || slow.message).toMatch(
      /^Ce Dockerfile est trop complexe pour être analysé : l'analyse a dépassé 0,5 s et a été interrompue\. Simplifiez-le/,
    );
    // The lint that was waiting behind it ran in the new thread.
    expect(rulesOf(waiting)).toEqual(['DL3006']);
    expect(rulesOf(await thread.lint(df('FROM debian:latest')))).toEqual(['DL3007']);
    expect(thread.started).toBe(2);
  });

  it('answers a crash of the thread in French, and the next lint gets a new thread', async () => {
    const thread = make();
    const crashed = await thread.lint(df('FROM debian:12'), { crash: true });
    expect(crashed).toMatchObject({ ok: false, reason: 'crashed' });
    expect(crashed.ok || crashed.detail).toContain('crash requested');
    expect(crashed.ok || crashed.message).toMatch(/^L'analyse du Dockerfile s'est arrêtée sur une erreur inattendue/);
    expect(rulesOf(await thread.lint(df('FROM debian')))).toEqual(['DL3006']);
    expect(thread.started).toBe(2);
  });

  it('refuses too many waiting lints', async () => {
    const thread = make({ maxQueued: 1 });
    // Loaded, the thread takes the first lint at once: the second waits, the third is refused.
    await thread.lint(df('FROM debian'));
    const results = await Promise.all([
      thread.lint(df('FROM debian')),
      thread.lint(df('FROM debian')),
      thread.lint(df('FROM debian')),
    ]);
    expect(results.map((result) => (result.ok ? 'ok' : result.reason))).toEqual(['ok', 'ok', 'busy']);
  });

  it('never refuses a session because of another session’s flood, and serves them in turn', async () => {
    const thread = make({ maxQueued: 64 });
    // Loaded first, so that waiting is for the lints ahead, not for the thread's start.
    await thread.lint(df('FROM debian'));
    // Session a sends 40 large lints at once (each spins 100 ms): two are taken, the rest refused.
    const flood = Array.from({ length: 40 }, () => thread.lint(df('FROM debian'), { spinMs: 100 }, 'a'));
    const other = thread.lint(df('FROM debian'), {}, 'b');
    const order: string[] = [];
    void other.then(() => order.push('b'));
    void Promise.all(flood).then(() => order.push('a'));
    const answered = await other;
    expect(rulesOf(answered)).toEqual(['DL3006']);
    const floods = await Promise.all(flood);
    expect(floods.filter((r) => r.ok)).toHaveLength(2);
    const refused = floods.filter((r) => !r.ok);
    expect(refused).toHaveLength(38);
    expect(refused[0]).toMatchObject({ reason: 'busy' });
    expect(refused[0]?.ok || refused[0]?.message).toMatch(/^Vos Dockerfiles précédents sont encore en cours d’analyse/);
    // b came between a's two lints, not after them.
    expect(order).toEqual(['b', 'a']);
  });

  it('refuses a session that used its share of the thread for the window, and no other', async () => {
    const thread = make({ budgetMs: 300, budgetWindowMs: 60_000 });
    await thread.lint(df('FROM debian'));
    // Two lints of 200 ms each: the second takes session a past its 300 ms.
    expect((await thread.lint(df('FROM debian'), { spinMs: 200 }, 'a')).ok).toBe(true);
    expect((await thread.lint(df('FROM debian'), { spinMs: 200 }, 'a')).ok).toBe(true);
    const refused = await thread.lint(df('FROM debian'), {}, 'a');
    expect(refused).toMatchObject({ ok: false, reason: 'busy' });
    expect(refused.ok || refused.message).toMatch(/^Vos Dockerfiles ont occupé l’analyseur plus de 0,3 s en 60 s/);
    expect(rulesOf(await thread.lint(df('FROM debian'), {}, 'b'))).toEqual(['DL3006']);
  });

  it('gives a session its share back once its window is over', async () => {
    const thread = make({ budgetMs: 100, budgetWindowMs: 400 });
    await thread.lint(df('FROM debian'));
    expect((await thread.lint(df('FROM debian'), { spinMs: 150 }, 'a')).ok).toBe(true);
    expect((await thread.lint(df('FROM debian'), {}, 'a')).ok).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect((await thread.lint(df('FROM debian'), {}, 'a')).ok).toBe(true);
  });

  it('answers a lint that waited past its deadline as busy, without linting it', async () => {
    const thread = make({ maxWaitMs: 200, timeoutMs: 10_000 });
    await thread.lint(df('FROM debian'));
    const slow = thread.lint(df('FROM debian'), { spinMs: 1000 }, 'a');
    const late = await thread.lint(df('FROM debian'), {}, 'b');
    expect(late).toMatchObject({ ok: false, reason: 'busy' });
    expect((await slow).ok).toBe(true);
  });

  describe('size bounds', () => {
    it('refuses a Dockerfile over the byte bound before any work', async () => {
      const thread = make();
      const result = await thread.lint(`FROM debian:12\n# ${'x'.repeat(maxDockerfileBytes)}\n`);
      expect(result).toMatchObject({ ok: false, reason: 'oversized' });
      expect(result.ok || result.message).toMatch(/^Dockerfile trop gros pour être analysé \(256 Ko maximum\) : /);
      // Bytes, not characters: each é is two.
      expect(await thread.lint(`FROM debian:12\n# ${'é'.repeat(maxDockerfileBytes / 2)}\n`)).toMatchObject({
        reason: 'oversized',
      });
      expect(thread.started).toBe(0);
    });

    it('refuses a Dockerfile over the line bound before any work, with its line count', async () => {
      const thread = make();
      const result = await thread.lint(`FROM debian:12\n${'RUN a\n'.repeat(maxDockerfileLines)}`);
      expect(result).toMatchObject({ ok: false, reason: 'oversized' });
      expect(result.ok || result.message).toMatch(
        /^Dockerfile trop gros pour être analysé \(10\s000 lignes maximum\) : ce fichier en compte 10\s001\./,
      );
      // A lone \r ends a line too, as for the parser.
      expect(await thread.lint(`FROM debian:12\r${'RUN a\r'.repeat(maxDockerfileLines)}`)).toMatchObject({
        reason: 'oversized',
      });
      expect(thread.started).toBe(0);
    });

    it('lints a Dockerfile right at the bounds', async () => {
      const head = 'FROM debian:12\n# ';
      const atBytes = `${head}${'x'.repeat(maxDockerfileBytes - head.length - 1)}\n`;
      const atLines = `FROM debian:12\n${'RUN a\n'.repeat(maxDockerfileLines - 1)}`;
      const thread = make();
      expect(await thread.lint(atBytes)).toEqual({ ok: true, findings: [] });
      expect(await thread.lint(atLines)).toMatchObject({ ok: true });
    });
  });

  it('does not keep a process alive once it has answered (the server runs .ts with node)', async () => {
    const module = fileURLToPath(new URL('../../../../server/check/dockerfile-lint-thread.ts', import.meta.url));
    const folder = await mkdtemp(join(tmpdir(), 'lint-thread-'));
    try {
      // A script file, as server/main.ts is: the thread inherits node's options, and `-e`'s would not apply to it.
      const script = join(folder, 'lint.mjs');
      await writeFile(
        script,
        `const { lintDockerfileOffThread } = await import(${JSON.stringify(module)});\n` +
          `console.log(JSON.stringify(await lintDockerfileOffThread('FROM debian\\n')));\n`,
      );
      // Were the idle thread keeping it alive, the process would be killed at the timeout.
      const { stdout } = await promisify(execFile)(process.execPath, [script], { timeout: 30_000 });
      expect(JSON.parse(stdout)).toMatchObject({ ok: true, findings: [{ rule: 'DL3006' }] });
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }, 40_000);
});

describe('dockerfile-lint check and the size bound', () => {
  const path = '/root/tp-dockerfile/lint/Dockerfile';

  it('reads one byte past the bound, so that a bigger file comes back refused, not cut short', async () => {
    const asked: (number | undefined)[] = [];
    const context: CheckContext = {
      readFile: (_path, maxBytes) => {
        asked.push(maxBytes);
        // What the sandbox sends of a 1 MB file: the first maxBytes.
        return Promise.resolve(`FROM debian:12\n# ${'x'.repeat(1024 * 1024)}`.slice(0, maxBytes));
      },
      exec: () => Promise.resolve({ exitCode: 0, stdout: '', stderr: '' }),
    };
    const result = await dockerfileLintCheck(context, { path });
    expect(asked).toEqual([maxDockerfileBytes + 1]);
    expect(result.passed).toBe(false);
    expect(result.message).toMatch(/^Dockerfile trop gros pour être analysé \(256 Ko maximum\)/);
  });

  it('has the runner cut the sandbox’s output at what the check asks for', async () => {
    const limits: (number | undefined)[] = [];
    const driver = {
      exec: (_sessionId: string, _command: string[], options: ExecOptions = {}) => {
        limits.push(options.maxOutputBytes);
        return Promise.resolve({ exitCode: 0, stdout: 'FROM debian:12\n', stderr: '', timedOut: false });
      },
    } as unknown as SandboxDriver;
    const step = { id: 'lint', timeout: 15, check: { ts: 'dockerfile-lint', options: { path } } } as unknown as LabStep;
    const lab = { id: 'tp', steps: [step] } as unknown as Lab;
    const result = await runCheck(driver, 's1', { lab, step, library: '' }, silentLogger);
    expect(result.passed).toBe(true);
    expect(limits).toEqual([maxDockerfileBytes + 1]);
  });
});
