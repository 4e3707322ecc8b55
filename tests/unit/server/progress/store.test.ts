// Unused learner keys are forgotten after a while; a learner who left anything (a step passed,
// a live session, a class, a check, a hint seen) is kept, however old.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../server/progress/database.ts';
import { SqliteProgressStore } from '../../../../server/progress/store.ts';

describe('pruning learners', () => {
  it('forgets old keys that were never used, and nothing else', () => {
    const db = openDatabase(':memory:');
    const store = new SqliteProgressStore(db);
    const idle = store.createLearner();
    const passed = store.createLearner();
    const inSession = store.createLearner();
    const helped = store.createLearner();
    store.recordPass(passed.id, 'tp-images', 'pull');
    db.prepare(
      "INSERT INTO sessions (id, token_hash, lab_id, learner_id, created_at, expires_at) VALUES ('ab', 'h', 'bac-a-sable', ?, '2026-01-01', '2099-01-01')",
    ).run(inSession.id);
    store.recordHelp({
      sessionId: 'ab',
      learnerId: helped.id,
      labId: 'tp-images',
      stepId: 'pull',
      kind: 'hint',
      hintIndex: 0,
    });
    const fresh = store.createLearner();

    // Nothing is old enough yet.
    expect(store.pruneLearners(new Date(Date.now() - 60_000))).toBe(0);
    db.prepare("UPDATE learners SET created_at = '2020-01-01T00:00:00.000Z' WHERE id != ?").run(fresh.id);
    expect(store.pruneLearners(new Date(Date.now() - 30 * 24 * 3600_000))).toBe(1);
    expect(store.learnerForKey(idle.key)).toBeUndefined();
    for (const kept of [passed, inSession, helped, fresh]) expect(store.learnerForKey(kept.key)).toBe(kept.id);
  });
});
