// Learners' progress: which steps of which TP an anonymous learner has passed, and when.
import type { DatabaseSync } from 'node:sqlite';

export interface StepProgress {
  labId: string;
  stepId: string;
  passedAt: string;
}

export interface ProgressStore {
  recordPass(learnerId: string, labId: string, stepId: string, at?: Date): void;
  forLearner(learnerId: string): StepProgress[];
}

export class SqliteProgressStore implements ProgressStore {
  private readonly db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  recordPass(learnerId: string, labId: string, stepId: string, at: Date = new Date()): void {
    // The first pass is what counts; a later check of a done step changes nothing.
    this.db
      .prepare('INSERT OR IGNORE INTO progress (learner_id, lab_id, step_id, passed_at) VALUES (?, ?, ?, ?)')
      .run(learnerId, labId, stepId, at.toISOString());
  }

  forLearner(learnerId: string): StepProgress[] {
    return this.db
      .prepare('SELECT lab_id, step_id, passed_at FROM progress WHERE learner_id = ? ORDER BY passed_at')
      .all(learnerId)
      .map((row) => ({
        labId: String(row.lab_id),
        stepId: String(row.step_id),
        passedAt: String(row.passed_at),
      }));
  }
}
