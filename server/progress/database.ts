// The embedded SQLite database (Node's built-in node:sqlite): learners and their progress, the
// help they were shown and the live sessions, so none is lost when the server restarts.
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
  return db;
}
