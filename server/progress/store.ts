// Learners and their progress: the keys the server issued them, which steps of which TP each
// has passed and when, and the help they were shown.
import { createHash, randomBytes } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';

/** Keys are 256-bit random: one fast hash is enough to keep a stolen database from giving them. */
function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export interface StepProgress {
  labId: string;
  stepId: string;
  passedAt: string;
}

/** A hint or the solution shown to a student. */
export interface HelpShown {
  sessionId: string;
  learnerId: string | null;
  labId: string;
  stepId: string;
  kind: 'hint' | 'solution';
  /** Which hint (0 for the first); absent for the solution. */
  hintIndex?: number;
}

export interface ProgressStore {
  /**
   * A new learner and their key (shown once, kept hashed). A browser's own id from before keys
   * (`legacyId`) becomes the learner's id, with its progress, unless a learner already has it.
   */
  createLearner(legacyId?: string): { id: string; key: string };
  /** The learner whose key this is. */
  learnerForKey(key: string): string | undefined;
  recordPass(learnerId: string, labId: string, stepId: string, at?: Date): void;
  forLearner(learnerId: string): StepProgress[];
  recordHelp(help: HelpShown, at?: Date): void;
  helpForSession(sessionId: string): (HelpShown & { shownAt: string })[];
  /** How many of a step's hints a session was shown (they come in order). */
  hintsShown(sessionId: string, stepId: string): number;
}

export class SqliteProgressStore implements ProgressStore {
  private readonly db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  createLearner(legacyId?: string): { id: string; key: string } {
    const key = randomBytes(32).toString('base64url');
    const taken = legacyId ? this.db.prepare('SELECT 1 FROM learners WHERE id = ?').get(legacyId) !== undefined : true;
    const id = legacyId && !taken ? legacyId : randomBytes(18).toString('base64url');
    this.db
      .prepare('INSERT INTO learners (id, key_hash, created_at) VALUES (?, ?, ?)')
      .run(id, hashKey(key), new Date().toISOString());
    return { id, key };
  }

  /**
   * Forgets the learners created before `createdBefore` who left nothing: no step passed, no
   * session, no class, no check, no help shown. Anyone may ask for keys, so without this the
   * table only grows; a browser whose key is gone simply gets a new one. Gives how many went.
   */
  pruneLearners(createdBefore: Date): number {
    const result = this.db
      .prepare(
        `DELETE FROM learners WHERE created_at < ?
           AND NOT EXISTS (SELECT 1 FROM progress p WHERE p.learner_id = learners.id)
           AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.learner_id = learners.id)
           AND NOT EXISTS (SELECT 1 FROM class_members m WHERE m.learner_id = learners.id)
           AND NOT EXISTS (SELECT 1 FROM step_checks c WHERE c.learner_id = learners.id)
           AND NOT EXISTS (SELECT 1 FROM help_shown h WHERE h.learner_id = learners.id)`,
      )
      .run(createdBefore.toISOString());
    return Number(result.changes);
  }

  learnerForKey(key: string): string | undefined {
    const row = this.db.prepare('SELECT id FROM learners WHERE key_hash = ?').get(hashKey(key));
    return row === undefined ? undefined : String(row.id);
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

  recordHelp(help: HelpShown, at: Date = new Date()): void {
    this.db
      .prepare(
        'INSERT INTO help_shown (session_id, learner_id, lab_id, step_id, kind, hint_index, shown_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        help.sessionId,
        help.learnerId,
        help.labId,
        help.stepId,
        help.kind,
        help.hintIndex ?? null,
        at.toISOString(),
      );
  }

  helpForSession(sessionId: string): (HelpShown & { shownAt: string })[] {
    return this.db
      .prepare(
        'SELECT session_id, learner_id, lab_id, step_id, kind, hint_index, shown_at FROM help_shown WHERE session_id = ? ORDER BY shown_at, rowid',
      )
      .all(sessionId)
      .map((row) => ({
        sessionId: String(row.session_id),
        learnerId: row.learner_id === null ? null : String(row.learner_id),
        labId: String(row.lab_id),
        stepId: String(row.step_id),
        kind: row.kind === 'solution' ? ('solution' as const) : ('hint' as const),
        ...(row.hint_index === null ? {} : { hintIndex: Number(row.hint_index) }),
        shownAt: String(row.shown_at),
      }));
  }

  hintsShown(sessionId: string, stepId: string): number {
    const row = this.db
      .prepare(
        "SELECT COUNT(DISTINCT hint_index) AS n FROM help_shown WHERE session_id = ? AND step_id = ? AND kind = 'hint'",
      )
      .get(sessionId, stepId);
    return Number(row?.n ?? 0);
  }
}
