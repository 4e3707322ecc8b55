// Browser side of a TP page: checks, hints one at a time and the solution behind a confirmation
// (both fetched from the API),
// "▶ Exécuter"/"Copier" on commands, progress kept in the browser and on the server, step
// set-up when a step opens, reset, and the resizable splitter; in a class, the class feed
// (where the student is, « go to this step » from the instructor).
import type { CheckAnswer, Hint, Solution } from '../../shared/contract.ts';
import { currentClass } from '../classroom/class-storage.ts';
import type { StudentFeed } from '../classroom/student-feed.ts';
import { learnerProgress, sessionApi } from '../terminal/session-client.ts';
import { mountTerminalPane } from '../terminal/terminal-pane.ts';

interface StoredProgress {
  [stepId: string]: string;
}

// A class member's progress is the class's (its own learner key): kept apart from their own.
const progressKey = (lab: string) => {
  const inClass = currentClass();
  return inClass ? `cours-docker:progress:${inClass.id}:${lab}` : `cours-docker:progress:${lab}`;
};

function readProgress(lab: string): StoredProgress {
  try {
    return JSON.parse(localStorage.getItem(progressKey(lab)) ?? '{}') as StoredProgress;
  } catch {
    return {};
  }
}

/** Mounts the page; gives back its terminal pane, for the workspace's tabs. */
export function mountLabPage(root: HTMLElement): ReturnType<typeof mountTerminalPane> | undefined {
  const lab = root.dataset.lab ?? '';
  const paneRoot = root.querySelector<HTMLElement>('[data-terminal-pane]');
  if (!paneRoot) return;
  const pane = mountTerminalPane(paneRoot, lab);
  const steps = [...root.querySelectorAll<HTMLElement>('[data-step]')];
  const progress = readProgress(lab);
  const setUp = new Set<string>();

  const saveProgress = () => localStorage.setItem(progressKey(lab), JSON.stringify(progress));

  const render = () => {
    let done = 0;
    for (const step of steps) {
      const passed = Boolean(progress[step.dataset.step ?? '']);
      step.classList.toggle('passed', passed);
      const badge = step.querySelector<HTMLElement>('[data-done]');
      if (badge) badge.hidden = !passed;
      if (passed) done++;
    }
    const bar = root.querySelector<HTMLProgressElement>('[data-progress]');
    if (bar) bar.value = done;
    const label = root.querySelector<HTMLElement>('[data-progress-label]');
    if (label) label.textContent = `${done} / ${steps.length} étapes réussies`;
    const end = root.querySelector<HTMLElement>('[data-lab-end]');
    if (end) end.hidden = done < steps.length;
  };

  // The server keeps progress too (for this browser's learner key): merge it in, so a cleared
  // tab or another day finds it again.
  void learnerProgress().then((remote) => {
    for (const entry of remote?.steps ?? []) {
      if (entry.labId === lab && !progress[entry.stepId]) progress[entry.stepId] = entry.passedAt;
    }
    saveProgress();
    render();
  });
  render();

  const openOnly = (wanted: HTMLElement) => {
    for (const step of steps) step.querySelector('details')?.toggleAttribute('open', step === wanted);
  };
  // A link to a step (#<step id>, as the deck's TP links give) opens that step; otherwise the
  // first step not done yet is open.
  const linked = () => steps.find((s) => s.dataset.step && `#${s.dataset.step}` === window.location.hash);
  const firstOpen = linked() ?? steps.find((s) => !progress[s.dataset.step ?? '']);
  if (firstOpen) openOnly(firstOpen);
  if (linked()) firstOpen?.scrollIntoView({ block: 'start' });
  const showStep = (step: HTMLElement) => {
    openOnly(step);
    step.scrollIntoView({ block: 'start' });
  };
  window.addEventListener('hashchange', () => {
    const step = linked();
    if (step) showStep(step);
  });

  // In a class: the instructor sees which step is open, and may send the class to one. The
  // feed's code loads only then.
  let classFeed: StudentFeed | null = null;
  if (currentClass()) {
    void import('../classroom/student-feed.ts').then(({ connectStudentFeed, stepHref }) => {
      classFeed = connectStudentFeed({
        page: 'lab',
        lab,
        onGoto: (gotoLab, stepId) => {
          const step = steps.find((s) => s.dataset.step === stepId);
          if (gotoLab !== lab || !step) {
            window.location.assign(stepHref(gotoLab, stepId));
            return;
          }
          history.replaceState(null, '', `#${encodeURIComponent(stepId)}`);
          showStep(step);
        },
      });
      const open = steps.find((s) => s.querySelector('details')?.open);
      classFeed?.at(lab, open?.dataset.step ?? null);
    });
  }

  const prepareStep = async (stepId: string) => {
    const session = pane.session();
    if (!session || setUp.has(`${session.id}:${stepId}`)) return;
    setUp.add(`${session.id}:${stepId}`);
    await sessionApi(session, `/steps/${encodeURIComponent(stepId)}/setup`).catch(() => {
      setUp.delete(`${session.id}:${stepId}`);
    });
  };

  void pane.ready.then(() => {
    for (const button of root.querySelectorAll<HTMLButtonElement>('[data-check]')) button.disabled = false;
    const open = steps.find((s) => s.querySelector('details')?.open);
    if (open?.dataset.step) void prepareStep(open.dataset.step);
  });

  for (const step of steps) {
    const id = step.dataset.step ?? '';
    const details = step.querySelector('details');
    const result = step.querySelector<HTMLElement>('[data-result]');
    const checkButton = step.querySelector<HTMLButtonElement>('[data-check]');
    const answer = step.querySelector<HTMLInputElement>('[data-answer]');
    details?.addEventListener('toggle', () => {
      if (details.open) {
        void prepareStep(id);
        classFeed?.at(lab, id);
      }
    });

    const showResult = (passed: boolean | 'pending', message: string) => {
      if (!result) return;
      result.hidden = false;
      result.dataset.passed = String(passed);
      result.textContent = passed === true ? `✔ ${message}` : passed === false ? `✘ ${message}` : message;
    };

    const check = async () => {
      const session = pane.session();
      if (!session || !checkButton) return;
      checkButton.disabled = true;
      showResult('pending', 'Vérification en cours…');
      try {
        await prepareStep(id);
        const body = answer ? { answer: answer.value } : {};
        const outcome = await sessionApi<CheckAnswer>(session, `/steps/${encodeURIComponent(id)}/check`, body);
        showResult(outcome.passed, outcome.message);
        if (outcome.passed) {
          progress[id] ??= new Date().toISOString();
          saveProgress();
          render();
          const next = steps[steps.indexOf(step) + 1];
          if (next && !progress[next.dataset.step ?? '']) {
            next.querySelector('details')?.setAttribute('open', '');
          }
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

    // Hints and the solution come from the API on demand (the page's source holds none of them);
    // the server records what was shown, for the instructor.
    const hintButton = step.querySelector<HTMLButtonElement>('[data-hint]');
    const hintList = step.querySelector<HTMLElement>('.step-hints');
    const hintCount = Number(hintButton?.dataset.hintCount ?? 0);
    hintButton?.addEventListener('click', () => {
      const session = pane.session();
      if (!session || !hintList) {
        showResult(false, 'Le bac à sable démarre encore : réessayez dans un instant.');
        return;
      }
      const index = hintList.querySelectorAll('[data-hint-index]').length;
      hintButton.disabled = true;
      sessionApi<Hint>(session, `/steps/${encodeURIComponent(id)}/hint`, { index })
        .then((hint) => {
          const box = document.createElement('div');
          box.className = 'step-hint';
          box.dataset.hintIndex = String(hint.index);
          box.innerHTML = `<strong>Indice ${hint.index + 1} :</strong>${hint.html}`;
          decorateCommands(box);
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
        showResult(false, 'Le bac à sable démarre encore : réessayez dans un instant.');
        return;
      }
      if (!confirm('Afficher la solution ? Essayez d’abord avec les indices : on apprend mieux en cherchant.')) return;
      solutionButton.disabled = true;
      sessionApi<Solution>(session, `/steps/${encodeURIComponent(id)}/solution`, {})
        .then((solution) => {
          const box = document.createElement('div');
          box.className = 'step-solution';
          box.dataset.solutionBody = '';
          box.innerHTML = `<strong>Solution :</strong>${solution.html}`;
          decorateCommands(box);
          hintList?.after(box);
        })
        .catch((error: Error) => {
          solutionButton.disabled = false;
          showResult(false, error.message);
        });
    });
  }

  // Commands: "▶ Exécuter" types them into the terminal, "Copier" puts them in the clipboard.
  function decorateCommands(container: HTMLElement): void {
    for (const block of container.querySelectorAll<HTMLElement>('.command-block')) {
      const command = block.dataset.command ?? '';
      const tools = document.createElement('div');
      tools.className = 'command-tools';
      const run = document.createElement('button');
      run.type = 'button';
      run.dataset.run = '';
      run.textContent = '▶ Exécuter';
      run.title = 'Taper cette commande dans le terminal';
      run.addEventListener('click', () => pane.run(command.replace(/\n/g, '\r')));
      const copy = document.createElement('button');
      copy.type = 'button';
      copy.textContent = 'Copier';
      copy.addEventListener('click', () => {
        void navigator.clipboard?.writeText(command).then(() => {
          copy.textContent = 'Copié !';
          setTimeout(() => (copy.textContent = 'Copier'), 1500);
        });
      });
      tools.append(run, copy);
      block.append(tools);
    }
  }
  decorateCommands(root);

  root.querySelector('[data-reset]')?.addEventListener('click', () => {
    if (
      confirm(
        'Réinitialiser : votre bac à sable actuel est supprimé et un neuf démarre. Votre progression est conservée. Continuer ?',
      )
    ) {
      setUp.clear();
      void pane.reset().then(() => {
        const open = steps.find((s) => s.querySelector('details')?.open);
        if (open?.dataset.step) void prepareStep(open.dataset.step);
      });
    }
  });

  // The splitter: drag (or arrow keys) to share the width between steps and terminal.
  const splitter = root.querySelector<HTMLElement>('[data-splitter]');
  const setWidth = (percent: number) => {
    const clamped = Math.min(75, Math.max(25, percent));
    root.style.setProperty('--steps-width', `${clamped}%`);
    localStorage.setItem('cours-docker:split', String(clamped));
  };
  const saved = Number(localStorage.getItem('cours-docker:split'));
  if (saved) setWidth(saved);
  splitter?.addEventListener('pointerdown', (event) => {
    splitter.setPointerCapture(event.pointerId);
    const move = (e: PointerEvent) =>
      setWidth(((e.clientX - root.getBoundingClientRect().left) / root.clientWidth) * 100);
    const up = () => {
      splitter.removeEventListener('pointermove', move);
      splitter.removeEventListener('pointerup', up);
    };
    splitter.addEventListener('pointermove', move);
    splitter.addEventListener('pointerup', up);
  });
  splitter?.addEventListener('keydown', (event) => {
    const current = parseFloat(root.style.getPropertyValue('--steps-width')) || 44;
    if (event.key === 'ArrowLeft') setWidth(current - 3);
    if (event.key === 'ArrowRight') setWidth(current + 3);
  });
  return pane;
}
