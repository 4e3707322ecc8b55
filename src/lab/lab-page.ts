// Browser side of a TP page: puts together the terminal pane, the steps (set-up, checks, hints,
// solution), the progress, which step is open (and the class feed, in a class), the commands'
// buttons, reset and the splitter.
import { currentClass } from '../classroom/class-storage.ts';
import { mountTerminalPane, type TerminalPaneApi } from '../terminal/terminal-pane.ts';
import { decorateCommands } from './lab-commands.ts';
import { LabNavigation } from './lab-navigation.ts';
import { LabProgress } from './lab-progress.ts';
import { mountSplitter } from './lab-splitter.ts';
import { StepSetup, wireStep } from './lab-steps.ts';

/** Mounts the page; gives back its terminal pane, for the workspace's tabs. */
export function mountLabPage(root: HTMLElement): TerminalPaneApi | undefined {
  const lab = root.dataset.lab ?? '';
  const paneRoot = root.querySelector<HTMLElement>('[data-terminal-pane]');
  if (!paneRoot) return;
  const pane = mountTerminalPane(paneRoot, lab);
  const steps = [...root.querySelectorAll<HTMLElement>('[data-step]')];
  const progress = new LabProgress(root, lab, steps);
  const navigation = new LabNavigation(lab, steps, progress);
  if (currentClass()) navigation.joinClass();
  const setup = new StepSetup(pane);
  const prepareOpenStep = () => {
    const open = navigation.openStep();
    if (open?.dataset.step) void setup.prepare(open.dataset.step);
  };

  void pane.ready.then(() => {
    for (const button of root.querySelectorAll<HTMLButtonElement>('[data-check]')) button.disabled = false;
    prepareOpenStep();
  });
  for (const step of steps) wireStep(step, { steps, pane, setup, progress, navigation });
  decorateCommands(root, pane);

  root.querySelector('[data-reset]')?.addEventListener('click', () => {
    if (
      confirm(
        'Réinitialiser : votre bac à sable actuel est supprimé et un neuf démarre. Votre progression est conservée. Continuer ?',
      )
    ) {
      setup.forget();
      void pane.reset().then(prepareOpenStep);
    }
  });
  mountSplitter(root);
  return pane;
}
