// The classes in SQLite: each class and its join code, its members (learners with a display
// name and a hashed recovery code), where each member is, the checks they ran step by step,
// and the log of who watched or took over whose terminal.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';

/** Letters and digits without look-alikes (no 0/O, 1/I/L), as in shared/limits.ts's patterns. */
const alphabet = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

function randomCode(length: number): string {
  let code = '';
  for (let i = 0; i < length; i++) code += alphabet[randomInt(alphabet.length)];
  return code;
}

/** Keys and recovery codes are random: one fast hash keeps a stolen database from giving them. */
function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export interface ClassRecord {
  id: string;
  code: string;
  title: string;
  deck: string;
  labs: string[];
  seats: number;
  createdAt: string;
  endsAt: string;
  endedAt: string | null;
}

export interface MemberRecord {
  learner: string;
  classId: string;
  name: string;
  joinedAt: string;
  lab: string | null;
  step: string | null;
  stepSince: string | null;
}

export interface StepCheckRecord {
  learner: string;
  lab: string;
  step: string;
  firstAt: string;
  lastAt: string;
  attempts: number;
  lastPassed: boolean;
  lastMessage: string;
  passedAt: string | null;
}

export type JoinRefusal = 'full' | 'name-taken';

export class ClassJoinError extends Error {
  readonly reason: JoinRefusal;
  constructor(reason: JoinRefusal) {
    super(reason);
    this.reason = reason;
  }
}

function classOf(row: Record<string, unknown>): ClassRecord {
  return {
    id: String(row.id),
    code: String(row.code),
    title: String(row.title),
    deck: String(row.deck),
    labs: JSON.parse(String(row.labs)) as string[],
    seats: Number(row.seats),
    createdAt: String(row.created_at),
    endsAt: String(row.ends_at),
    endedAt: typeof row.ended_at === 'string' ? row.ended_at : null,
  };
}

function memberOf(row: Record<string, unknown>): MemberRecord {
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    learner: String(row.learner_id),
    classId: String(row.class_id),
    name: String(row.name),
    joinedAt: String(row.joined_at),
    lab: text(row.lab_id),
    step: text(row.step_id),
    stepSince: text(row.step_since),
  };
}

export class ClassStore {
  private readonly db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  create(input: { title: string; deck: string; labs: string[]; seats: number; endsAt: Date }): ClassRecord {
    const id = randomBytes(8).toString('hex');
    const now = new Date().toISOString();
    // About 920 000 codes: a clash with a live class is rare, and simply drawn again.
    for (let attempt = 0; ; attempt++) {
      const code = `DKR-${randomCode(4)}`;
      try {
        this.db
          .prepare(
            'INSERT INTO classes (id, code, title, deck, labs, seats, created_at, ends_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          )
          .run(
            id,
            code,
            input.title,
            input.deck,
            JSON.stringify(input.labs),
            input.seats,
            now,
            input.endsAt.toISOString(),
          );
        return this.get(id) as ClassRecord;
      } catch (error) {
        if (attempt >= 20 || !/UNIQUE/.test(String(error))) throw error;
      }
    }
  }

  get(id: string): ClassRecord | undefined {
    const row = this.db.prepare('SELECT * FROM classes WHERE id = ?').get(id);
    return row ? classOf(row) : undefined;
  }

  byCode(code: string): ClassRecord | undefined {
    const row = this.db.prepare('SELECT * FROM classes WHERE code = ?').get(code);
    return row ? classOf(row) : undefined;
  }

  list(): ClassRecord[] {
    return this.db
      .prepare('SELECT * FROM classes ORDER BY created_at DESC LIMIT 200')
      .all()
      .map((row) => classOf(row));
  }

  /** Classes not ended yet, for the end timers after a restart. */
  live(): ClassRecord[] {
    return this.db
      .prepare('SELECT * FROM classes WHERE ended_at IS NULL')
      .all()
      .map((row) => classOf(row));
  }

  setEndsAt(id: string, endsAt: Date): void {
    this.db.prepare('UPDATE classes SET ends_at = ? WHERE id = ?').run(endsAt.toISOString(), id);
  }

  markEnded(id: string, at: Date = new Date()): void {
    this.db.prepare('UPDATE classes SET ended_at = ? WHERE id = ? AND ended_at IS NULL').run(at.toISOString(), id);
  }

  memberCount(classId: string): number {
    const row = this.db.prepare('SELECT COUNT(*) AS n FROM class_members WHERE class_id = ?').get(classId);
    return Number(row?.n ?? 0);
  }

  members(classId: string): MemberRecord[] {
    return this.db
      .prepare('SELECT * FROM class_members WHERE class_id = ? ORDER BY joined_at, rowid')
      .all(classId)
      .map((row) => memberOf(row));
  }

  member(learner: string): MemberRecord | undefined {
    const row = this.db.prepare('SELECT * FROM class_members WHERE learner_id = ?').get(learner);
    return row ? memberOf(row) : undefined;
  }

  /**
   * A new member: a learner with its key (shown once) and a recovery code (shown once), both
   * kept hashed. The seat count and the insert are one transaction, so two students joining at
   * the same time cannot take the last seat twice.
   */
  join(klass: ClassRecord, name: string): { learner: string; key: string; recoveryCode: string } {
    const learner = randomBytes(18).toString('base64url');
    const key = randomBytes(32).toString('base64url');
    const recoveryCode = [randomCode(4), randomCode(4), randomCode(4)].join('-');
    const now = new Date().toISOString();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      if (this.memberCount(klass.id) >= klass.seats) throw new ClassJoinError('full');
      const taken = this.db
        .prepare('SELECT 1 FROM class_members WHERE class_id = ? AND lower(name) = lower(?)')
        .get(klass.id, name);
      if (taken) throw new ClassJoinError('name-taken');
      this.db
        .prepare('INSERT INTO learners (id, key_hash, created_at) VALUES (?, ?, ?)')
        .run(learner, hashSecret(key), now);
      this.db
        .prepare(
          'INSERT INTO class_members (learner_id, class_id, name, recovery_hash, joined_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(learner, klass.id, name, hashSecret(recoveryCode), now);
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
    return { learner, key, recoveryCode };
  }

  /** The member whose recovery code this is gets a new key; the old one stops working. */
  recover(classId: string, recoveryCode: string): { member: MemberRecord; key: string } | undefined {
    const row = this.db
      .prepare('SELECT * FROM class_members WHERE class_id = ? AND recovery_hash = ?')
      .get(classId, hashSecret(recoveryCode));
    if (!row) return undefined;
    const member = memberOf(row);
    const key = randomBytes(32).toString('base64url');
    this.db.prepare('UPDATE learners SET key_hash = ? WHERE id = ?').run(hashSecret(key), member.learner);
    return { member, key };
  }

  setPosition(learner: string, lab: string, step: string | null, at: Date = new Date()): void {
    this.db
      .prepare(
        `UPDATE class_members SET lab_id = ?, step_id = ?,
           step_since = CASE WHEN lab_id IS ? AND step_id IS ? THEN step_since ELSE ? END
         WHERE learner_id = ?`,
      )
      .run(lab, step, lab, step, at.toISOString(), learner);
  }

  recordCheck(
    learner: string,
    lab: string,
    step: string,
    passed: boolean,
    message: string,
    at: Date = new Date(),
  ): void {
    const when = at.toISOString();
    this.db
      .prepare(
        `INSERT INTO step_checks (learner_id, lab_id, step_id, first_at, last_at, attempts, last_passed, last_message, passed_at)
         VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)
         ON CONFLICT (learner_id, lab_id, step_id) DO UPDATE SET
           last_at = excluded.last_at, attempts = attempts + 1, last_passed = excluded.last_passed,
           last_message = excluded.last_message, passed_at = COALESCE(passed_at, excluded.passed_at)`,
      )
      .run(learner, lab, step, when, when, passed ? 1 : 0, message.slice(0, 500), passed ? when : null);
  }

  /** Every check record of the class's members. */
  checks(classId: string): StepCheckRecord[] {
    return this.db
      .prepare(
        `SELECT c.* FROM step_checks c JOIN class_members m ON m.learner_id = c.learner_id
         WHERE m.class_id = ? ORDER BY c.last_at`,
      )
      .all(classId)
      .map((row) => ({
        learner: String(row.learner_id),
        lab: String(row.lab_id),
        step: String(row.step_id),
        firstAt: String(row.first_at),
        lastAt: String(row.last_at),
        attempts: Number(row.attempts),
        lastPassed: Number(row.last_passed) === 1,
        lastMessage: String(row.last_message),
        passedAt: row.passed_at === null ? null : String(row.passed_at),
      }));
  }

  /** Hints and solutions each member of the class was shown, per TP and step. */
  help(classId: string): { learner: string; lab: string; step: string; hints: number; solutions: number }[] {
    return this.db
      .prepare(
        `SELECT h.learner_id, h.lab_id, h.step_id,
                COUNT(DISTINCT CASE WHEN h.kind = 'hint' THEN h.session_id || ':' || h.hint_index END) AS hints,
                SUM(CASE WHEN h.kind = 'solution' THEN 1 ELSE 0 END) AS solutions
         FROM help_shown h JOIN class_members m ON m.learner_id = h.learner_id
         WHERE m.class_id = ? GROUP BY h.learner_id, h.lab_id, h.step_id`,
      )
      .all(classId)
      .map((row) => ({
        learner: String(row.learner_id),
        lab: String(row.lab_id),
        step: String(row.step_id),
        hints: Number(row.hints),
        solutions: Number(row.solutions),
      }));
  }

  audit(classId: string, learner: string | null, action: string, at: Date = new Date()): void {
    this.db
      .prepare('INSERT INTO class_audit (class_id, learner_id, action, at) VALUES (?, ?, ?, ?)')
      .run(classId, learner, action, at.toISOString());
  }

  auditLog(classId: string): { learner: string | null; action: string; at: string }[] {
    return this.db
      .prepare('SELECT learner_id, action, at FROM class_audit WHERE class_id = ? ORDER BY rowid')
      .all(classId)
      .map((row) => ({
        learner: row.learner_id === null ? null : String(row.learner_id),
        action: String(row.action),
        at: String(row.at),
      }));
  }
}
