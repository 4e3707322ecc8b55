// Unit tests of the session lifecycle on a fake driver: cap, pool, tokens, expiry, reconcile.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../server/log/log.ts';
import { openDatabase } from '../../server/progress/database.ts';
import { SessionLimitError } from '../../server/session/errors.ts';
import { SessionManager, type SessionLimits } from '../../server/session/manager.ts';
import { SessionStore } from '../../server/session/store.ts';
import type { Lab } from '../../shared/lab-schema.ts';
import { FakeDriver } from './fake-driver.ts';

const limits: SessionLimits = {
  maxSessions: 2,
  poolSize: 0,
  lifetimeSeconds: 60,
  idleSeconds: 30,
  reaperIntervalSeconds: 3600,
};
const lab: Lab = {
  id: 'tp-x',
  title: 'TP X',
  description: 'x',
  duration: 10,
  level: 'débutant',
  deck: 'd',
  setupTimeout: 10,
  steps: [],
  files: [{ path: 'tp/a.txt', mode: 0o644, contentBase64: Buffer.from('a').toString('base64') }],
  setupScript: 'echo prêt',
};

function manager(overrides: Partial<SessionLimits> = {}, driver = new FakeDriver(), db = openDatabase(':memory:')) {
  const m = new SessionManager(
    driver,
    new SessionStore(db),
    new Map([[lab.id, lab]]),
    { ...limits, ...overrides },
    silentLogger,
  );
  return { m, driver, db };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('SessionManager', () => {
  it('creates sessions with unguessable tokens checked in constant time', async () => {
    const { m } = manager();
    const { session, token } = await m.create('bac-a-sable', null);
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect(m.authenticate(session.id, token)).toBe(session);
    expect(m.authenticate(session.id, token + 'x')).toBeUndefined();
    expect(m.authenticate(session.id, '')).toBeUndefined();
    expect(m.authenticate('other', token)).toBeUndefined();
  });

  it('refuses sessions beyond the cap with a typed error', async () => {
    const { m } = manager();
    await m.create('bac-a-sable', null);
    await m.create('bac-a-sable', null);
    await expect(m.create('bac-a-sable', null)).rejects.toThrow(SessionLimitError);
    await expect(m.create('bac-a-sable', null)).rejects.toMatchObject({ reason: 'full', maxSessions: 2 });
  });

  it('copies the lab files and runs its set-up before the session is ready', async () => {
    const { m, driver } = manager();
    const { session } = await m.create(lab.id, null);
    expect(session.state).toBe('preparing');
    await session.ready;
    expect(session.state).toBe('ready');
    expect(driver.execs.map((e) => e.command[0])).toEqual(['tar', 'bash']);
  });

  it('reports a failed set-up instead of hanging', async () => {
    const driver = new FakeDriver();
    driver.nextExec = { exitCode: 2, stderr: 'boum' };
    const { m } = manager({}, driver);
    const { session } = await m.create(lab.id, null);
    await session.ready;
    expect(session.state).toBe('failed');
    expect(session.failure).toMatch(/boum/);
  });

  it('takes a sandbox from the warm pool and refills it', async () => {
    const { m, driver } = manager({ poolSize: 1 });
    await m.start();
    await vi.waitFor(() => expect(m.poolReady).toBe(1));
    const pooledId = [...driver.sandboxes.keys()][0];
    const { session } = await m.create('bac-a-sable', null);
    expect(session.id).toBe(pooledId);
    await vi.waitFor(() => expect(m.poolReady).toBe(1));
    expect(driver.created).toBe(2);
    await m.stop();
    expect(driver.sandboxes.size).toBe(0);
  });

  it('drops a pooled sandbox that died, and starts another', async () => {
    const { m, driver } = manager({ poolSize: 1 });
    await m.start();
    await vi.waitFor(() => expect(m.poolReady).toBe(1));
    const [dead] = [...driver.sandboxes.values()];
    if (dead) dead.running = false;
    await m.reap();
    expect(driver.removed).toContain(dead?.sessionId);
    await vi.waitFor(() => expect(m.poolReady).toBe(1));
    expect(driver.created).toBe(2);
    await m.stop();
  });

  it('ends expired and idle sessions when the reaper runs', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { m, driver } = manager({ maxSessions: 5 });
    const ended: string[] = [];
    m.on('ended', (_id, reason) => ended.push(reason));
    const idle = (await m.create('bac-a-sable', null)).session;
    const busy = (await m.create('bac-a-sable', null)).session;
    vi.setSystemTime(Date.now() + 31_000);
    m.touch(busy);
    await m.reap();
    expect(ended).toEqual(['idle']);
    expect(driver.removed).toContain(idle.id);
    vi.setSystemTime(Date.now() + 30_000);
    m.touch(busy);
    await m.reap();
    expect(ended).toEqual(['idle', 'expired']);
  });

  it('re-adopts the sandboxes of stored sessions at start-up and removes strangers', async () => {
    const db = openDatabase(':memory:');
    const driver = new FakeDriver();
    const first = manager({}, driver, db).m;
    const { session, token } = await first.create('bac-a-sable', null);
    await driver.create({ sessionId: 'stranger', expiresAt: new Date(Date.now() + 1000), pooled: false });
    const second = manager({}, driver, db).m;
    await second.start();
    expect(second.authenticate(session.id, token)?.id).toBe(session.id);
    expect(driver.sandboxes.has('stranger')).toBe(false);
    await second.stop();
  });

  it('never runs two reaper passes at once, even when the engine is slow', async () => {
    const { m, driver } = manager();
    let lists = 0;
    const list = driver.list.bind(driver);
    driver.list = async () => {
      lists++;
      await new Promise((r) => setTimeout(r, 50));
      return list();
    };
    await Promise.all([m.reap(), m.reap(), m.reap()]);
    // One pass lists the sandboxes once; the calls that came during it returned at once.
    expect(lists).toBe(1);
    await m.reap();
    expect(lists).toBe(2);
  });
});
