// Every TP step, for real, in a fresh sandbox with the steps it starts from solved: the check
// FAILS before the step's solve script runs and PASSES after it. Where tests/labs/ has variants
// of a step (in the default isolation mode), each wrong one (ko-*) must fail with its expected
// message and each right one (ok-*) must pass, before the reference solve runs. The steps of a
// TP run as independent chains (front matter `needs`), each in its own sandbox, several at
// once. Run per isolation mode by lab-steps*.test.ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type ExpectStatic } from 'vitest';
import { loadLabs, stepChains } from '../../content/labs.ts';
import { silentLogger } from '../../server/log/log.ts';
import { DockerSandboxDriver } from '../../server/sandbox/docker-driver.ts';
import type { ExecResult } from '../../server/sandbox/driver.ts';
import type { Lab } from '../../shared/lab-schema.ts';
import Docker from 'dockerode';
import {
  api,
  createSession,
  leftovers,
  startServer,
  waitForSetUp,
  type Engine,
  type RunningServer,
} from './harness.ts';

const root = path.resolve(import.meta.dirname, '../..');
const labs = loadLabs(path.join(root, 'labs'));

const only = process.env.LAB_STEPS_ONLY?.split(',');

/** Every chain of every TP (or of those in LAB_STEPS_ONLY), named by its steps. */
export function allChains(): (StepChain & { name: string })[] {
  return labs
    .filter((lab) => !only || only.includes(lab.id))
    .flatMap((lab) => stepChains(lab).map((chain) => ({ lab, ...chain, name: chain.steps.join(', ') })));
}

/** Used only for its exec: runs solve scripts as a student would, inside the sandbox. */
const execDriver = (engine?: Engine) =>
  new DockerSandboxDriver(
    {
      image: '',
      runtime: 'runc',
      privileged: false,
      memoryBytes: 0,
      cpus: 1,
      pidsLimit: 0,
      diskBytes: 0,
      homeBytes: 0,
      egress: 'internet',
      subnetPool: '10.213.0.0/16',
      registryContainer: '',
      registryAlias: '',
      readyTimeoutSeconds: 0,
      instance: 'tests',
      dns: [],
      terminalTransport: 'tcp',
    },
    silentLogger,
    engine ? new Docker({ socketPath: engine.socketPath }) : new Docker(),
  );

interface Variant {
  name: string;
  script: string;
  expect?: string;
}

function variants(labId: string, stepId: string): Variant[] {
  const dir = path.join(root, 'tests/labs', labId, stepId);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^(ok|ko)-.*\.sh$/.test(f))
    .sort((a, b) => (a.startsWith('ko') === b.startsWith('ko') ? a.localeCompare(b) : a.startsWith('ko') ? -1 : 1))
    .map((name) => {
      const script = readFileSync(path.join(dir, name), 'utf8');
      const expected = /^# expect: (.+)$/m.exec(script)?.[1]?.trim();
      return { name, script, ...(expected ? { expect: expected } : {}) };
    });
}

/** Chains running at once: the machine has two cores, and a chain often waits on the mirror. */
const parallelChains = Number(process.env.LAB_STEPS_PARALLEL ?? 4);

/** A counting semaphore: at most `size` holders at once. */
export function slots(size: number): <T>(work: () => Promise<T>) => Promise<T> {
  let free = size;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (free > 0) free--;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}

export interface LabStepsOptions {
  /** Run the right and wrong variants too (they judge the checks, whatever the isolation). */
  variants: boolean;
}

/**
 * Every chain of steps of every TP on one server, each in its own sandbox, a few at once. On
 * the main engine or the one given (with its server settings).
 */
export function labStepsSuite(engine?: Engine, options: LabStepsOptions = { variants: true }): void {
  const driver = execDriver(engine);
  const slot = slots(parallelChains);
  let server: RunningServer;

  beforeAll(async () => {
    // Every variant of every step piles up images (both golang images among them, 1.8 GB): more
    // room than a student needs.
    server = await startServer({ SANDBOX_DISK: '4g', SANDBOX_MEMORY: '5g', ...engine?.env });
  });

  afterAll(async () => {
    await server?.stop();
    expect(await leftovers(undefined, engine)).toEqual([]);
  });

  const chains = allChains();

  describe.concurrent('every chain of TP steps, each in its own sandbox', () => {
    it.for(chains)(
      `TP $lab.id: $name fail before their solve and pass after${options.variants ? ', with their variants' : ''}`,
      { timeout: 2_400_000 },
      (chain, { expect }) =>
        slot(() =>
          runChain(
            server,
            chain,
            (sessionId, script) => driver.exec(sessionId, ['bash', '-e', '-c', script], { timeoutMs: 600_000 }),
            {
              variants: options.variants,
              expect,
            },
          ),
        ),
    );
  });
}

/** Runs a solve script as a student would, inside the session's sandbox. */
export type SolveExec = (sessionId: string, script: string) => Promise<ExecResult>;

export interface StepChain {
  lab: Lab;
  prefix: string[];
  steps: string[];
}

/**
 * One chain of a TP's steps in a fresh session of `server`: the steps it starts from set up and
 * solved, then each step red before its solve (and its variants judged), green after.
 */
export async function runChain(
  server: RunningServer,
  chain: StepChain,
  exec: SolveExec,
  options: { variants: boolean; expect: ExpectStatic },
): Promise<void> {
  const { expect } = options;
  const { lab } = chain;
  const session = await createSession(server, lab.id);
  await waitForSetUp(server, session);
  const state = await api(server, 'GET', `/api/sessions/${session.id}`, { token: session.token });
  expect(state.body.state).toBe('ready');

  const check = async (stepId: string, answer?: string) => {
    const { status, body } = await api(server, 'POST', `/api/sessions/${session.id}/steps/${stepId}/check`, {
      token: session.token,
      body: answer === undefined ? {} : { answer },
    });
    expect(status, `${stepId}: ${JSON.stringify(body)}`).toBe(200);
    return body as { passed: boolean; message: string };
  };

  const setUp = async (stepId: string) => {
    const setup = await api(server, 'POST', `/api/sessions/${session.id}/steps/${stepId}/setup`, {
      token: session.token,
    });
    expect(setup.status, `${stepId}: ${JSON.stringify(setup.body)}`).toBe(200);
  };

  const solve = async (stepId: string, name: string, script: string) => {
    const result = await exec(session.id, script);
    expect(result.exitCode, `${stepId} ${name}: ${result.stdout.slice(-1500)}\n${result.stderr.slice(-1500)}`).toBe(0);
    return result.stdout.trim().split('\n').at(-1)?.trim() ?? '';
  };

  const stepOf = (id: string) => {
    const step = lab.steps.find((candidate) => candidate.id === id);
    if (!step) throw new Error(`no step ${id} in ${lab.id}`);
    return step;
  };

  // The steps this chain starts from: set up and solved, as a student would have.
  for (const id of chain.prefix) {
    await setUp(id);
    await solve(id, 'solve', stepOf(id).solve);
  }

  for (const id of chain.steps) {
    const step = stepOf(id);
    const started = performance.now();
    await setUp(step.id);

    const before = await check(step.id, step.kind === 'question' ? '' : undefined);
    expect(before.passed, `${step.id} passes before its solve: ${before.message}`).toBe(false);
    expect(before.message.length).toBeGreaterThan(5);

    for (const variant of options.variants ? variants(lab.id, step.id) : []) {
      const answer = await solve(step.id, variant.name, variant.script);
      const outcome = await check(step.id, step.kind === 'question' ? answer : undefined);
      if (variant.name.startsWith('ok-')) {
        expect(outcome.passed, `${step.id} ${variant.name}: ${outcome.message}`).toBe(true);
      } else {
        expect(outcome.passed, `${step.id} ${variant.name} should fail`).toBe(false);
        if (variant.expect) expect(outcome.message, `${step.id} ${variant.name}`).toContain(variant.expect);
      }
    }

    const answer = await solve(step.id, 'solve', step.solve);
    const after = await check(step.id, step.kind === 'question' ? answer : undefined);
    expect(after.passed, `${step.id} after its solve: ${after.message}`).toBe(true);
    process.stdout.write(`  ${lab.id} / ${step.id} : ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  // Its seat back, for the chains that come next.
  await api(server, 'DELETE', `/api/sessions/${session.id}`, { token: session.token });
}
