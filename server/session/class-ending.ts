// The end of each class: a timer per class, set at its creation or the server's start, moved by « Fin du cours ».
import type { ClassRecord } from '../progress/classes.ts';

/** What every page of a class reads when it ends. */
export const classEndedMessage =
  'Le cours est terminé : merci ! Vos bacs à sable ont été supprimés ; votre progression est gardée.';

export class EndClock {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly due: (classId: string) => void;

  constructor(due: (classId: string) => void) {
    this.due = due;
  }

  /** (Re)sets the class's timer to its endsAt. */
  schedule(klass: Pick<ClassRecord, 'id' | 'endsAt'>): void {
    clearTimeout(this.timers.get(klass.id));
    // setTimeout holds at most about 24 days; classes last at most a week.
    const delay = Math.max(0, Math.min(Date.parse(klass.endsAt) - Date.now(), 2 ** 31 - 1));
    const timer = setTimeout(() => this.due(klass.id), delay);
    timer.unref();
    // Kept once fired: a page opening on a class that ended in this run still hears its end.
    this.timers.set(klass.id, timer);
  }

  /** Whether this run of the server set the class's end (a class ended before it did not). */
  scheduled(classId: string): boolean {
    return this.timers.has(classId);
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
  }
}

export function secondsUntil(date: string): number {
  return Math.max(0, Math.round((Date.parse(date) - Date.now()) / 1000));
}
