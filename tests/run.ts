// The whole test suite, as `npm test` runs it: static checks, unit and content tests, the
// site build, the images, integration tests against the real Docker engine, browser tests in
// Chromium. Prints each stage's outcome and a closing "N passed, N failed" line.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { usernsEngine } from './integration/harness.ts';

const root = path.resolve(import.meta.dirname, '..');
const reports = path.join(root, 'test-results');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const bin = (name: string) => path.join(root, 'node_modules/.bin', name);

interface Stage {
  name: string;
  command: string[];
  env?: Record<string, string>;
  /** Reads the stage's JSON report: passed and failed counts, and what failed. */
  count?: () => Outcome;
}

interface Outcome {
  passed: number;
  failed: number;
  /** One line per failed test: its name and the first line of its error. */
  failures: string[];
}

/** The first line of an error, short: the summary is the part of a long log people read. */
function firstLine(text: string | undefined): string {
  // Terminal colours in a reporter's message: ESC [ … m.
  const plain = (text ?? '').replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
  const line = plain.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.trim().slice(0, 300);
}

function vitestCount(file: string): () => Outcome {
  return () => {
    const report = JSON.parse(readFileSync(file, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      testResults?: {
        name: string;
        status: string;
        message?: string;
        assertionResults?: { fullName: string; status: string; failureMessages?: string[] }[];
      }[];
    };
    const failures: string[] = [];
    for (const fileResult of report.testResults ?? []) {
      const where = path.relative(root, fileResult.name);
      const failedTests = (fileResult.assertionResults ?? []).filter((t) => t.status === 'failed');
      for (const t of failedTests) failures.push(`${where} › ${t.fullName} — ${firstLine(t.failureMessages?.[0])}`);
      // A file that failed outside any test (a hook, an import) has no failed test to name.
      if (fileResult.status === 'failed' && failedTests.length === 0) {
        failures.push(`${where} — ${firstLine(fileResult.message)}`);
      }
    }
    return { passed: report.numPassedTests, failed: report.numFailedTests, failures };
  };
}

interface PlaywrightSuite {
  title: string;
  suites?: PlaywrightSuite[];
  specs?: { title: string; file: string; tests: { status: string; results: { error?: { message?: string } }[] }[] }[];
}

function playwrightCount(file: string): () => Outcome {
  return () => {
    const report = JSON.parse(readFileSync(file, 'utf8')) as {
      stats: { expected: number; unexpected: number; flaky: number };
      suites?: PlaywrightSuite[];
    };
    const failures: string[] = [];
    const walk = (suite: PlaywrightSuite): void => {
      for (const spec of suite.specs ?? []) {
        for (const t of spec.tests) {
          if (t.status !== 'unexpected') continue;
          const error = t.results.find((r) => r.error)?.error?.message;
          failures.push(`${spec.file} › ${spec.title} — ${firstLine(error)}`);
        }
      }
      for (const child of suite.suites ?? []) walk(child);
    };
    for (const suite of report.suites ?? []) walk(suite);
    return { passed: report.stats.expected + report.stats.flaky, failed: report.stats.unexpected, failures };
  };
}

const only = process.argv.slice(2);
const stages: Stage[] = [
  { name: 'format (prettier)', command: [bin('prettier'), '--check', '.'] },
  // astro check first: it generates the astro:content types that the type-checked lint reads.
  { name: 'types (astro check)', command: [bin('astro'), 'check'] },
  { name: 'lint (eslint)', command: [bin('eslint'), '.'] },
  // The site first: content tests also weigh the built deck page.
  { name: 'site (astro build)', command: [process.execPath, 'server/site/build-cli.ts'] },
  {
    name: 'unit + content (vitest)',
    command: [
      bin('vitest'),
      'run',
      '--project',
      'unit',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${reports}/unit.json`,
    ],
    count: vitestCount(path.join(reports, 'unit.json')),
  },
  { name: 'images (build + registry)', command: [process.execPath, 'server/images/build.ts'] },
  {
    name: 'images, userns engine (build + registry)',
    command: [process.execPath, 'server/images/build.ts'],
    env: usernsEngine.env,
  },
  {
    name: 'integration (vitest, real Docker engine)',
    command: [
      bin('vitest'),
      'run',
      '--project',
      'integration',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${reports}/integration.json`,
    ],
    count: vitestCount(path.join(reports, 'integration.json')),
  },
  {
    name: 'browser (playwright, chromium)',
    command: [bin('playwright'), 'test'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: path.join(reports, 'e2e.json') },
    count: playwrightCount(path.join(reports, 'e2e.json')),
  },
];

function run(stage: Stage): Promise<number> {
  return new Promise((resolve) => {
    const [command, ...args] = stage.command;
    // Tools' `#!/usr/bin/env node` must find Node 24 (node_modules/.bin), not the system's.
    const PATH = `${path.join(root, 'node_modules/.bin')}:${process.env.PATH ?? ''}`;
    const child = spawn(command ?? '', args, {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, PATH, ...stage.env },
    });
    child.on('error', () => resolve(127));
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

let passed = 0;
let failed = 0;
const summary: string[] = [];
for (const stage of stages) {
  if (only.length > 0 && !only.some((o) => stage.name.includes(o))) continue;
  const started = Date.now();
  process.stdout.write(`\n===== ${stage.name} =====\n`);
  const code = await run(stage);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  let counts = '';
  let stageFailed = code === 0 ? 0 : 1;
  if (stage.count) {
    try {
      const outcome = stage.count();
      passed += outcome.passed;
      stageFailed = Math.max(outcome.failed, stageFailed);
      counts = ` (${outcome.passed} réussis, ${outcome.failed} échoués)`;
      for (const failure of outcome.failures) counts += `\n      ✗ ${failure}`;
    } catch {
      counts = ' (rapport illisible)';
    }
  } else if (code === 0) {
    passed++;
  }
  // A stage that exited non-zero counts as at least one failure, even if its report says none.
  failed += stageFailed;
  summary.push(`${code === 0 ? 'OK   ' : 'ÉCHEC'} ${stage.name} — ${seconds} s${counts}`);
}
process.stdout.write(`\n===== résumé =====\n${summary.join('\n')}\n\n${passed} passed, ${failed} failed\n`);
process.exit(failed > 0 || summary.some((l) => l.startsWith('ÉCHEC')) ? 1 : 0);
