// The embedded SQLite database (Node's built-in node:sqlite): learners' progress and the
// live sessions, so neither is lost when the server restarts.
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
