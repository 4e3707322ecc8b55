// A TP's progress: which steps passed and when, kept in this browser (apart for a class member)
// and merged with what the server kept, shown as the steps' badges and the progress bar.
import { currentClass } from '../classroom/class-storage.ts';
import { learnerProgress } from '../terminal/session-client.ts';

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

export class LabProgress {
  private readonly progress: StoredProgress;
  private readonly root: HTMLElement;
  private readonly lab: string;
  private readonly steps: HTMLElement[];

  constructor(root: HTMLElement, lab: string, steps: HTMLElement[]) {
    this.root = root;
    this.lab = lab;
    this.steps = steps;
    this.progress = readProgress(lab);
    // The server keeps progress too (for this browser's learner key): merge it in, so a cleared
    // tab or another day finds it again.
    void learnerProgress().then((remote) => {
      for (const entry of remote?.steps ?? []) {
        if (entry.labId === lab && !this.progress[entry.stepId]) this.progress[entry.stepId] = entry.passedAt;
      }
      this.save();
      this.render();
    });
    this.render();
  }

  passed(step: HTMLElement): boolean {
    return Boolean(this.progress[step.dataset.step ?? '']);
  }

  /** Records a step as passed (its first pass is the date kept). */
  markPassed(stepId: string): void {
    this.progress[stepId] ??= new Date().toISOString();
    this.save();
    this.render();
  }

  private save(): void {
    localStorage.setItem(progressKey(this.lab), JSON.stringify(this.progress));
  }

  private render(): void {
    let done = 0;
    for (const step of this.steps) {
      const passed = this.passed(step);
      step.classList.toggle('passed', passed);
      const badge = step.querySelector<HTMLElement>('[data-done]');
      if (badge) badge.hidden = !passed;
      if (passed) done++;
    }
    const bar = this.root.querySelector<HTMLProgressElement>('[data-progress]');
    if (bar) bar.value = done;
    const label = this.root.querySelector<HTMLElement>('[data-progress-label]');
    if (label) label.textContent = `${done} / ${this.steps.length} étapes réussies`;
    const end = this.root.querySelector<HTMLElement>('[data-lab-end]');
    if (end) end.hidden = done < this.steps.length;
  }
}
