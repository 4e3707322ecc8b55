// A TP's steps against the sandbox: each step's set-up runs once per session when it opens, its
// check, and its hints and solution fetched from the API on demand.
import { checkAnswerSchema, hintSchema, setupDoneSchema, solutionSchema } from '../../shared/contract.ts';
import { sessionApi } from '../terminal/session-client.ts';
import type { TerminalPaneApi } from '../terminal/terminal-pane.ts';
import { decorateCommands } from './lab-commands.ts';
import type { LabNavigation } from './lab-navigation.ts';
import type { LabProgress } from './lab-progress.ts';

const stillStarting = 'Le bac à sable démarre encore : réessayez dans un instant.';

/** Runs each step's set-up once per session (again after a failure, or in a new sandbox). */
export class StepSetup {
  private readonly done = new Set<string>();
  private readonly pane: TerminalPaneApi;

  constructor(pane: TerminalPaneApi) {
    this.pane = pane;
  }

  async prepare(stepId: string): Promise<void> {
    const session = this.pane.session();
    const key = `${session?.id}:${stepId}`;
    if (!session || this.done.has(key)) return;
    this.done.add(key);
    await sessionApi(session, `/steps/${encodeURIComponent(stepId)}/setup`, setupDoneSchema).catch(() => {
      this.done.delete(key);
    });
  }

  /** The sandbox was replaced: every step must be set up again. */
  forget(): void {
    this.done.clear();
  }
}

export interface StepContext {
  steps: HTMLElement[];
  pane: TerminalPaneApi;
  setup: StepSetup;
  progress: LabProgress;
  navigation: LabNavigation;
}

/** Wires one step: set-up when it opens, its check, hints and solution. */
export function wireStep(step: HTMLElement, context: StepContext): void {
  const id = step.dataset.step ?? '';
  const details = step.querySelector('details');
  const result = step.querySelector<HTMLElement>('[data-result]');
  details?.addEventListener('toggle', () => {
    if (details.open) {
      void context.setup.prepare(id);
      context.navigation.opened(id);
    }
  });

  const showResult = (passed: boolean | 'pending', message: string) => {
    if (!result) return;
    result.hidden = false;
    result.dataset.passed = String(passed);
    result.textContent = passed === true ? `✔ ${message}` : passed === false ? `✘ ${message}` : message;
  };
  wireCheck(step, id, context, showResult);
  wireHelp(step, id, context, showResult);
}

type ShowResult = (passed: boolean | 'pending', message: string) => void;

function wireCheck(step: HTMLElement, id: string, context: StepContext, showResult: ShowResult): void {
  const { pane, setup, progress, steps } = context;
  const checkButton = step.querySelector<HTMLButtonElement>('[data-check]');
  const answer = step.querySelector<HTMLInputElement>('[data-answer]');
  const check = async () => {
    const session = pane.session();
    if (!session || !checkButton) return;
    checkButton.disabled = true;
    showResult('pending', 'Vérification en cours…');
    try {
      await setup.prepare(id);
      const body = answer ? { answer: answer.value } : {};
      const outcome = await sessionApi(session, `/steps/${encodeURIComponent(id)}/check`, checkAnswerSchema, body);
      showResult(outcome.passed, outcome.message);
      if (outcome.passed) {
        progress.markPassed(id);
        const next = steps[steps.indexOf(step) + 1];
        if (next && !progress.passed(next)) next.querySelector('details')?.setAttribute('open', '');
      }
    } catch (error) {
      showResult(false, (error as Error).message);
    } finally {
      checkButton.disabled = false;
    }
  };
  checkButton?.addEventListener('click', () => void check());
  answer?.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') void check();
  });
}

// Hints and the solution come from the API on demand (the page's source holds none of them);
// the server records what was shown, for the instructor.
function wireHelp(step: HTMLElement, id: string, { pane }: StepContext, showResult: ShowResult): void {
  const hintButton = step.querySelector<HTMLButtonElement>('[data-hint]');
  const hintList = step.querySelector<HTMLElement>('.step-hints');
  const hintCount = Number(hintButton?.dataset.hintCount ?? 0);
  hintButton?.addEventListener('click', () => {
    const session = pane.session();
    if (!session || !hintList) {
      showResult(false, stillStarting);
      return;
    }
    const index = hintList.querySelectorAll('[data-hint-index]').length;
    hintButton.disabled = true;
    sessionApi(session, `/steps/${encodeURIComponent(id)}/hint`, hintSchema, { index })
      .then((hint) => {
        const box = document.createElement('div');
        box.className = 'step-hint';
        box.dataset.hintIndex = String(hint.index);
        box.innerHTML = `<strong>Indice ${hint.index + 1} :</strong>${hint.html}`;
        decorateCommands(box, pane);
        hintList.append(box);
        hintButton.disabled = hint.index + 1 >= hint.count;
      })
      .catch((error: Error) => {
        hintButton.disabled = index >= hintCount;
        showResult(false, error.message);
      });
  });
  const solutionButton = step.querySelector<HTMLButtonElement>('[data-solution]');
  solutionButton?.addEventListener('click', () => {
    if (step.querySelector('[data-solution-body]')) return;
    const session = pane.session();
    if (!session) {
      showResult(false, stillStarting);
      return;
    }
    if (!confirm('Afficher la solution ? Essayez d’abord avec les indices : on apprend mieux en cherchant.')) return;
    solutionButton.disabled = true;
    sessionApi(session, `/steps/${encodeURIComponent(id)}/solution`, solutionSchema, {})
      .then((solution) => {
        const box = document.createElement('div');
        box.className = 'step-solution';
        box.dataset.solutionBody = '';
        box.innerHTML = `<strong>Solution :</strong>${solution.html}`;
        decorateCommands(box, pane);
        hintList?.after(box);
      })
      .catch((error: Error) => {
        solutionButton.disabled = false;
        showResult(false, error.message);
      });
  });
}
