// Which step of a TP is open: a #<step id> link opens that step (as the deck's TP links give),
// else the first step not done; in a class, the instructor sees it and may send the class to one.
import type { StudentFeed } from '../classroom/student-feed.ts';
import type { LabProgress } from './lab-progress.ts';

export class LabNavigation {
  private classFeed: StudentFeed | null = null;
  private readonly lab: string;
  private readonly steps: HTMLElement[];

  constructor(lab: string, steps: HTMLElement[], progress: LabProgress) {
    this.lab = lab;
    this.steps = steps;
    const linked = this.linked();
    const firstOpen = linked ?? steps.find((s) => !progress.passed(s));
    if (firstOpen) this.openOnly(firstOpen);
    if (linked) firstOpen?.scrollIntoView({ block: 'start' });
    window.addEventListener('hashchange', () => {
      const step = this.linked();
      if (step) this.show(step);
    });
  }

  /** The step open now, if any. */
  openStep(): HTMLElement | undefined {
    return this.steps.find((s) => s.querySelector('details')?.open);
  }

  /** Tells the class (if any) that the student opened this step. */
  opened(stepId: string): void {
    this.classFeed?.at(this.lab, stepId);
  }

  /**
   * In a class: the instructor sees which step is open, and may send the class to one. The
   * feed's code loads only then.
   */
  joinClass(): void {
    void import('../classroom/student-feed.ts').then(({ connectStudentFeed, stepHref }) => {
      this.classFeed = connectStudentFeed({
        page: 'lab',
        lab: this.lab,
        onGoto: (gotoLab, stepId) => {
          const step = this.steps.find((s) => s.dataset.step === stepId);
          if (gotoLab !== this.lab || !step) {
            window.location.assign(stepHref(gotoLab, stepId));
            return;
          }
          history.replaceState(null, '', `#${encodeURIComponent(stepId)}`);
          this.show(step);
        },
      });
      this.classFeed?.at(this.lab, this.openStep()?.dataset.step ?? null);
    });
  }

  private linked(): HTMLElement | undefined {
    return this.steps.find((s) => s.dataset.step && `#${s.dataset.step}` === window.location.hash);
  }

  private openOnly(wanted: HTMLElement): void {
    for (const step of this.steps) step.querySelector('details')?.toggleAttribute('open', step === wanted);
  }

  private show(step: HTMLElement): void {
    this.openOnly(step);
    step.scrollIntoView({ block: 'start' });
  }
}
