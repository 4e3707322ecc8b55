// The embedded SQLite database (Node's built-in node:sqlite): learners and their progress, the
// help they were shown, the live sessions, the classes and the instructor's sign-ins, so none
// is lost when the server restarts.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

const migrations = [
  `CREATE TABLE IF NOT EXISTS progress (
     learner_id TEXT NOT NULL,
     lab_id TEXT NOT NULL,
     step_id TEXT NOT NULL,
     passed_at TEXT NOT NULL,
     PRIMARY KEY (learner_id, lab_id, step_id)
   ) STRICT`,
  `CREATE TABLE IF NOT EXISTS sessions (
     id TEXT PRIMARY KEY,
     token_hash TEXT NOT NULL,
     lab_id TEXT NOT NULL,
     learner_id TEXT,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL
   ) STRICT`,
  // Every hint and solution a student was shown, for the instructor's view of who needed help.
  `CREATE TABLE IF NOT EXISTS help_shown (
     session_id TEXT NOT NULL,
     learner_id TEXT,
     lab_id TEXT NOT NULL,
     step_id TEXT NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('hint', 'solution')),
     hint_index INTEGER,
     shown_at TEXT NOT NULL
   ) STRICT`,
  // Learners hold a key the server issued; only its hash is kept.
  `CREATE TABLE IF NOT EXISTS learners (
     id TEXT PRIMARY KEY,
     key_hash TEXT NOT NULL UNIQUE,
     created_at TEXT NOT NULL
   ) STRICT`,
  // The classroom: classes, their members (learners with a display name and a recovery code),
  // where each member is, each step's checks, the instructor's password and sign-ins.
  `CREATE TABLE IF NOT EXISTS classes (
     id TEXT PRIMARY KEY,
     code TEXT NOT NULL UNIQUE,
     title TEXT NOT NULL,
     deck TEXT NOT NULL,
     labs TEXT NOT NULL,
     seats INTEGER NOT NULL,
     created_at TEXT NOT NULL,
     ends_at TEXT NOT NULL,
     ended_at TEXT
   ) STRICT`,
  `CREATE TABLE IF NOT EXISTS class_members (
     learner_id TEXT PRIMARY KEY,
     class_id TEXT NOT NULL,
     name TEXT NOT NULL,
     recovery_hash TEXT NOT NULL,
     joined_at TEXT NOT NULL,
     lab_id TEXT,
     step_id TEXT,
     step_since TEXT,
     UNIQUE (class_id, name)
   ) STRICT`,
  `CREATE TABLE IF NOT EXISTS step_checks (
     learner_id TEXT NOT NULL,
     lab_id TEXT NOT NULL,
     step_id TEXT NOT NULL,
     first_at TEXT NOT NULL,
     last_at TEXT NOT NULL,
     attempts INTEGER NOT NULL,
     last_passed INTEGER NOT NULL,
     last_message TEXT NOT NULL,
     passed_at TEXT,
     PRIMARY KEY (learner_id, lab_id, step_id)
   ) STRICT`,
  `CREATE TABLE IF NOT EXISTS class_audit (
     class_id TEXT NOT NULL,
     learner_id TEXT,
     action TEXT NOT NULL,
     at TEXT NOT NULL
   ) STRICT`,
  `CREATE TABLE IF NOT EXISTS instructor (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     password_hash TEXT NOT NULL,
     created_at TEXT NOT NULL
   ) STRICT`,
  `CREATE TABLE IF NOT EXISTS instructor_tokens (
     token_hash TEXT PRIMARY KEY,
     expires_at TEXT NOT NULL
   ) STRICT`,
];

/**
 * Columns added after their table was first created: SQLite has no ADD COLUMN IF NOT EXISTS,
 * so each is added when the table lacks it.
 */
const addedColumns: { table: string; column: string; definition: string }[] = [
  // The instructor may keep new students out of a class.
  { table: 'classes', column: 'locked', definition: 'INTEGER NOT NULL DEFAULT 0' },
  // Where a member joined from (an IPv4 address or an IPv6 /64), while their class runs: the
  // members and sandboxes one address may hold are bounded. Cleared when the class ends.
  { table: 'class_members', column: 'joined_from', definition: 'TEXT' },
  // What the last check saw (a JSON array of lines), for the instructor.
  { table: 'step_checks', column: 'last_evidence', definition: "TEXT NOT NULL DEFAULT '[]'" },
];

/** Opens (and creates or migrates) the database file; `:memory:` for tests. */
export function openDatabase(dataDir: string): DatabaseSync {
  let file = ':memory:';
  if (dataDir !== ':memory:') {
    mkdirSync(dataDir, { recursive: true });
    file = path.join(dataDir, 'cours-docker.sqlite');
  }
  const db = new DatabaseSync(file);
  // WAL keeps reads going during writes and survives a crash without losing committed rows.
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
  for (const migration of migrations) db.exec(migration);
  for (const { table, column, definition } of addedColumns) {
    const columns = db.prepare(`PRAGMA table_info(${table})`).all();
    if (!columns.some((c) => c.name === column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
  }
  return db;
}
