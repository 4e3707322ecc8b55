// The step workflow, shared by the REST routes and the terminal socket: wait for the TP's
// set-up, run a step's own set-up once per sandbox, run its check, record the learner's progress.
// A sandbox that vanished ends its session here.
import { EventEmitter } from 'node:events';
import type { Lab, LabStep } from '../../shared/lab-schema.ts';
import { runCheck } from '../check/runner.ts';
import type { CheckResult } from '../check/types.ts';
import { prepareStep } from '../lab/prepare.ts';
import type { Logger } from '../log/log.ts';
import { checkSeconds } from '../metrics/metrics.ts';
import type { ProgressStore } from '../progress/store.ts';
import { SandboxGoneError, type SandboxDriver } from '../sandbox/driver.ts';
import {
  AnswerRequiredError,
  ChallengeHelpError,
  HintUnavailableError,
  LabNotPreparedError,
  StepBusyError,
  UnknownStepError,
} from './errors.ts';
import type { Session, SessionManager } from './manager.ts';

export interface StepWorkflowDeps {
  driver: SandboxDriver;
  sessions: SessionManager;
  labs: Map<string, Lab>;
  progress: ProgressStore;
  /** The check helper library (labs/_lib/check.sh), prepended to every check script. */
  checkLibrary: string;
  /** A step's hints and solution as HTML (rendered by content/help.ts). */
  help: (labId: string, stepId: string) => { hints: string[]; solution: string } | undefined;
  log: Logger;
}

/** What the classroom hears of a session's steps: checks and the help shown. */
type StepEvents = {
  checked: [session: Session, labId: string, stepId: string, result: CheckResult];
  help: [session: Session, labId: string, stepId: string];
};

export class StepWorkflow extends EventEmitter<StepEvents> {
  private readonly deps: StepWorkflowDeps;

  constructor(deps: StepWorkflowDeps) {
    super();
    this.deps = deps;
  }

  /** Resolves once the session's TP is prepared; throws when its set-up failed. */
  async whenReady(session: Session): Promise<void> {
    await session.ready;
    if (session.startError) throw session.startError;
    if (session.state === 'failed') throw new LabNotPreparedError(session.failure ?? '');
  }

  private stepOf(session: Session, stepId: string): { lab: Lab; step: LabStep } {
    const lab = this.deps.labs.get(session.labId);
    const step = lab?.steps.find((s) => s.id === stepId);
    if (!lab || !step) throw new UnknownStepError(stepId);
    return { lab, step };
  }

  /** Per session, the work under way: at most one check or set-up runs, one more may wait. */
  private readonly queues = new Map<string, { tail: Promise<unknown>; depth: number }>();

  /** Runs work after the session's earlier step work; refuses a third at once. */
  private async oneAtATime<T>(session: Session, work: () => Promise<T>): Promise<T> {
    const queue = this.queues.get(session.id) ?? { tail: Promise.resolve(), depth: 0 };
    if (queue.depth >= 2) throw new StepBusyError('step work already running and waiting');
    queue.depth++;
    this.queues.set(session.id, queue);
    const result = queue.tail.then(work);
    queue.tail = result.catch(() => undefined);
    try {
      return await result;
    } finally {
      if (--queue.depth === 0) this.queues.delete(session.id);
    }
  }

  /** Runs the step's own set-up in the sandbox, once; a failed one runs again next time. */
  async setUp(session: Session, stepId: string): Promise<void> {
    const { lab, step } = this.stepOf(session, stepId);
    await this.whenReady(session);
    await this.oneAtATime(session, async () => {
      // A double click or a second tab waited for the first set-up: nothing left to do.
      if (session.stepsSetUp.has(step.id)) return;
      const state = await this.inSandbox(session, () => prepareStep(this.deps.driver, session.id, lab, step));
      session.stepsSetUp.set(step.id, state);
    });
  }

  /** Checks the step; a pass is recorded for the learner. */
  async check(session: Session, stepId: string, answer: string | undefined): Promise<CheckResult> {
    const { lab, step } = this.stepOf(session, stepId);
    if (step.kind === 'question' && answer === undefined) throw new AnswerRequiredError('answer required');
    await this.whenReady(session);
    const started = performance.now();
    const request = {
      lab,
      step,
      library: this.deps.checkLibrary,
      state: session.stepsSetUp.get(step.id) ?? '',
      ...(step.kind === 'question' ? { answer } : {}),
    };
    const result = await this.oneAtATime(session, () =>
      this.inSandbox(session, () => runCheck(this.deps.driver, session.id, request, this.deps.log)),
    );
    checkSeconds.observe(
      { lab: lab.id, result: result.passed ? 'passed' : 'failed' },
      (performance.now() - started) / 1000,
    );
    if (result.passed && session.learnerId) this.deps.progress.recordPass(session.learnerId, lab.id, step.id);
    this.emit('checked', session, lab.id, step.id, result);
    return result;
  }

  private helpOf(session: Session, stepId: string) {
    const { lab, step } = this.stepOf(session, stepId);
    if (step.challenge) throw new ChallengeHelpError(step.id);
    const help = this.deps.help(lab.id, step.id) ?? { hints: [], solution: '' };
    return { lab, step, help };
  }

  /** The step's hint `index`, once the ones before it were shown; recorded for the instructor. */
  hint(session: Session, stepId: string, index: number): { index: number; count: number; html: string } {
    const { lab, step, help } = this.helpOf(session, stepId);
    const count = help.hints.length;
    // The store is the record of what was shown: it survives a restart of the server.
    const shown = this.deps.progress.hintsShown(session.id, step.id);
    if (index >= count) throw new HintUnavailableError('none-left', count);
    if (index > shown) throw new HintUnavailableError('too-soon', count);
    if (index === shown) {
      this.deps.progress.recordHelp({
        sessionId: session.id,
        learnerId: session.learnerId,
        labId: lab.id,
        stepId: step.id,
        kind: 'hint',
        hintIndex: index,
      });
      this.emit('help', session, lab.id, step.id);
    }
    return { index, count, html: help.hints[index] ?? '' };
  }

  /** The step's solution; recorded for the instructor. */
  solution(session: Session, stepId: string): { html: string } {
    const { lab, step, help } = this.helpOf(session, stepId);
    this.deps.progress.recordHelp({
      sessionId: session.id,
      learnerId: session.learnerId,
      labId: lab.id,
      stepId: step.id,
      kind: 'solution',
    });
    this.emit('help', session, lab.id, step.id);
    return { html: help.solution };
  }

  /** A sandbox that vanished (removed by hand, crashed) ends its session. */
  private async inSandbox<T>(session: Session, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof SandboxGoneError) await this.deps.sessions.destroy(session.id, 'lost');
      throw error;
    }
  }
}
