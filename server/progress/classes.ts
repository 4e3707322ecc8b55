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

/** DKR-XXXX-XXXX: shared/limits.ts's classCodePattern says why that long. */
function newClassCode(): string {
  return `DKR-${randomCode(4)}-${randomCode(4)}`;
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
  /** New students are kept out (members already in stay). */
  locked: boolean;
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
  /** What the last check saw, for the instructor. */
  lastEvidence: string[];
  passedAt: string | null;
}

/**
 * Why a join is refused: no seat left, a name too like a classmate's, joining locked by the
 * instructor, or too many members already joined from the same address.
 */
export type JoinRefusal = 'full' | 'name-taken' | 'locked' | 'address';

/** The stored evidence column: a JSON array of strings, or nothing usable. */
function parseEvidence(value: unknown): string[] {
  try {
    const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : [];
    return Array.isArray(parsed) ? parsed.filter((line): line is string => typeof line === 'string') : [];
  } catch {
    return [];
  }
}

export class ClassJoinError extends Error {
  override name = 'ClassJoinError';
  readonly reason: JoinRefusal;
  /** The bound that was reached (members per address). */
  readonly limit: number | undefined;
  constructor(reason: JoinRefusal, limit?: number) {
    super(reason);
    this.reason = reason;
    this.limit = limit;
  }
}

/** Codes of the first version: four characters; classes still running get a longer one at start. */
export function isLegacyCode(code: string): boolean {
  return /^DKR-[2-9A-HJKMNP-Z]{4}$/.test(code);
}

/** What the store asks of a join: the name test (look-alikes) and the address bound. */
export interface JoinRules {
  /** Whether `name` would be mistaken for this member's name. */
  alike(memberName: string): boolean;
  /** The joining client's address (IPv4, or IPv6 /64). */
  address: string;
  /** Members one address may hold in all running classes. */
  membersPerAddress: number;
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
    locked: Number(row.locked) === 1,
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
    // A clash with another class is rare (classCodePattern's comment), and simply drawn again.
    for (let attempt = 0; ; attempt++) {
      const code = newClassCode();
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
    // The addresses only bound the running classes: none is kept after.
    this.db.prepare('UPDATE class_members SET joined_from = NULL WHERE class_id = ?').run(id);
  }

  /** A running class with a first-version code gets a new one; answers it. */
  reissueCode(id: string): string {
    for (let attempt = 0; ; attempt++) {
      const code = newClassCode();
      try {
        this.db.prepare('UPDATE classes SET code = ? WHERE id = ?').run(code, id);
        return code;
      } catch (error) {
        if (attempt >= 20 || !/UNIQUE/.test(String(error))) throw error;
      }
    }
  }

  setLocked(id: string, locked: boolean): void {
    this.db.prepare('UPDATE classes SET locked = ? WHERE id = ?').run(locked ? 1 : 0, id);
  }

  /** The address a member joined from, while their class runs. */
  joinedFrom(learner: string): string | undefined {
    const row = this.db.prepare('SELECT joined_from FROM class_members WHERE learner_id = ?').get(learner);
    return typeof row?.joined_from === 'string' ? row.joined_from : undefined;
  }

  /** Members of running classes who joined from this address. */
  membersFrom(address: string): string[] {
    return this.db
      .prepare(
        `SELECT m.learner_id FROM class_members m JOIN classes c ON c.id = m.class_id
         WHERE m.joined_from = ? AND c.ended_at IS NULL`,
      )
      .all(address)
      .map((row) => String(row.learner_id));
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
  join(klass: ClassRecord, name: string, rules: JoinRules): { learner: string; key: string; recoveryCode: string } {
    const learner = randomBytes(18).toString('base64url');
    const key = randomBytes(32).toString('base64url');
    const recoveryCode = [randomCode(4), randomCode(4), randomCode(4)].join('-');
    const now = new Date().toISOString();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      if (this.get(klass.id)?.locked) throw new ClassJoinError('locked');
      if (this.memberCount(klass.id) >= klass.seats) throw new ClassJoinError('full');
      if (this.members(klass.id).some((member) => rules.alike(member.name))) throw new ClassJoinError('name-taken');
      if (this.membersFrom(rules.address).length >= rules.membersPerAddress) {
        throw new ClassJoinError('address', rules.membersPerAddress);
      }
      this.db
        .prepare('INSERT INTO learners (id, key_hash, created_at) VALUES (?, ?, ?)')
        .run(learner, hashSecret(key), now);
      this.db
        .prepare(
          'INSERT INTO class_members (learner_id, class_id, name, recovery_hash, joined_at, joined_from) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(learner, klass.id, name, hashSecret(recoveryCode), now, rules.address);
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

  /** Renames a member, unless the new name looks like another member's. */
  rename(learner: string, name: string, alike: (memberName: string) => boolean): MemberRecord {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const member = this.member(learner);
      if (!member) throw new Error(`no member ${learner}`);
      const others = this.members(member.classId).filter((m) => m.learner !== learner);
      if (others.some((m) => alike(m.name))) throw new ClassJoinError('name-taken');
      this.db.prepare('UPDATE class_members SET name = ? WHERE learner_id = ?').run(name, learner);
      this.db.exec('COMMIT');
      return { ...member, name };
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /**
   * Removes a member and all that is theirs: their key (it stops working at once), their place,
   * checks, help shown and progress. Answers whether there was such a member.
   */
  remove(learner: string): boolean {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const gone = this.db.prepare('DELETE FROM class_members WHERE learner_id = ?').run(learner).changes > 0;
      if (gone) {
        this.db.prepare('DELETE FROM learners WHERE id = ?').run(learner);
        for (const table of ['step_checks', 'help_shown', 'progress'] as const) {
          this.db.prepare(`DELETE FROM ${table} WHERE learner_id = ?`).run(learner);
        }
      }
      this.db.exec('COMMIT');
      return gone;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
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
    result: { passed: boolean; message: string; evidence?: string[] },
    at: Date = new Date(),
  ): void {
    // The runner already bounds the evidence (evidenceLimits).
    const { passed, message, evidence = [] } = result;
    const when = at.toISOString();
    this.db
      .prepare(
        `INSERT INTO step_checks (learner_id, lab_id, step_id, first_at, last_at, attempts, last_passed, last_message, passed_at, last_evidence)
         VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?)
         ON CONFLICT (learner_id, lab_id, step_id) DO UPDATE SET
           last_at = excluded.last_at, attempts = attempts + 1, last_passed = excluded.last_passed,
           last_message = excluded.last_message, passed_at = COALESCE(passed_at, excluded.passed_at),
           last_evidence = excluded.last_evidence`,
      )
      .run(
        learner,
        lab,
        step,
        when,
        when,
        passed ? 1 : 0,
        message.slice(0, 500),
        passed ? when : null,
        JSON.stringify(evidence),
      );
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
        lastEvidence: parseEvidence(row.last_evidence),
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
