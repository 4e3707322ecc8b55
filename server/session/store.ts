// Persistence of live sessions (token hash, lab, expiry) so a restarted server can re-adopt
// the sandboxes it finds and students keep their shells.
import type { DatabaseSync } from 'node:sqlite';

export interface SessionRecord {
  id: string;
  tokenHash: string;
  labId: string;
  learnerId: string | null;
  createdAt: string;
  expiresAt: string;
}

export class SessionStore {
  private readonly db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  save(record: SessionRecord): void {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO sessions (id, token_hash, lab_id, learner_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(record.id, record.tokenHash, record.labId, record.learnerId, record.createdAt, record.expiresAt);
  }

  delete(id: string): void {
    this.db.prepare('DELETE FROM sessions WHERE id = ?').run(id);
  }

  all(): SessionRecord[] {
    return this.db
      .prepare('SELECT id, token_hash, lab_id, learner_id, created_at, expires_at FROM sessions')
      .all()
      .map((row) => ({
        id: String(row.id),
        tokenHash: String(row.token_hash),
        labId: String(row.lab_id),
        learnerId: row.learner_id === null ? null : String(row.learner_id),
        createdAt: String(row.created_at),
        expiresAt: String(row.expires_at),
      }));
  }
}
