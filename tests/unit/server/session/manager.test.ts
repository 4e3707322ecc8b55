// Unit tests of the session lifecycle on a fake driver: cap, pool, tokens, expiry, reconcile.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../../server/log/log.ts';
import { openDatabase } from '../../../../server/progress/database.ts';
import { SessionLimitError } from '../../../../server/session/errors.ts';
import { SessionManager, type SessionLimits } from '../../../../server/session/manager.ts';
import { SessionStore } from '../../../../server/session/store.ts';
import { SessionTerminals } from '../../../../server/session/terminals.ts';
import type { Lab } from '../../../../shared/lab-schema.ts';
import { FakeDriver } from '../../fixtures/fake-driver.ts';

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
  recap: ['a', 'b', 'c'],
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
  it('creates sessions with unguessable tokens checked in constant time', () => {
    const { m } = manager();
    const { session, token } = m.create('bac-a-sable', null);
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect(m.authenticate(session.id, token)).toBe(session);
    expect(m.authenticate(session.id, token + 'x')).toBeUndefined();
    expect(m.authenticate(session.id, '')).toBeUndefined();
    expect(m.authenticate('other', token)).toBeUndefined();
  });

  it('refuses sessions beyond the cap with a typed error', () => {
    const { m } = manager();
    m.create('bac-a-sable', null);
    m.create('bac-a-sable', null);
    expect(() => m.create('bac-a-sable', null)).toThrow(SessionLimitError);
    expect(() => m.create('bac-a-sable', null)).toThrow(expect.objectContaining({ reason: 'full', maxSessions: 2 }));
  });

  it('copies the lab files and runs its set-up before the session is ready', async () => {
    const { m, driver } = manager();
    const { session } = m.create(lab.id, null);
    expect(session.state).toBe('starting');
    await session.ready;
    expect(session.state).toBe('ready');
    expect(driver.execs.map((e) => e.command[0])).toEqual(['tar', 'bash']);
  });

  it('reports a failed set-up instead of hanging', async () => {
    const driver = new FakeDriver();
    driver.nextExec = { exitCode: 2, stderr: 'boum' };
    const { m } = manager({}, driver);
    const { session } = m.create(lab.id, null);
    await session.ready;
    expect(session.state).toBe('failed');
    expect(session.failure).toMatch(/boum/);
  });

  it('takes a sandbox from the warm pool and refills it', async () => {
    const { m, driver } = manager({ poolSize: 1 });
    await m.start();
    await vi.waitFor(() => expect(m.poolReady).toBe(1));
    const pooledId = [...driver.sandboxes.keys()][0];
    const { session } = m.create('bac-a-sable', null);
    expect(session.id).toBe(pooledId);
    expect(session.state).toBe('ready');
    await vi.waitFor(() => expect(m.poolReady).toBe(1));
    expect(driver.created).toBe(2);
    await m.stop();
    expect(driver.sandboxes.size).toBe(0);
  });

  it('pre-warms a class: as many sandboxes as its seats, a few at a time, each taken counted off', async () => {
    const { m, driver } = manager({ poolSize: 1, maxSessions: 10, startsAtOnce: 4 });
    await m.start();
    await vi.waitFor(() => expect(m.poolReady).toBe(1));
    let release!: () => void;
    driver.startGate = new Promise((resolve) => (release = resolve));
    expect(m.prewarm(5)).toBe(6);
    // Half the start slots at most: a student who finds the pool empty is not queued behind them.
    expect(driver.sandboxes.size - m.poolReady).toBe(2);
    driver.startGate = undefined;
    release();
    await vi.waitFor(() => expect(m.poolReady).toBe(6));
    // Five students of the class come in: the pool goes back to its own size, not refilled to 6.
    for (let i = 0; i < 5; i++) expect(m.create('bac-a-sable', null).session.state).toBe('ready');
    await vi.waitFor(() => expect(m.poolReady).toBe(1));
    await new Promise((r) => setTimeout(r, 20));
    expect(driver.sandboxes.size).toBe(6);
    await m.stop();
  });

  it("connects a pool sandbox's shell ahead of its student, and lets it go with the sandbox", async () => {
    const { m, driver } = manager({ poolSize: 1, maxSessions: 3 });
    const terminals = new SessionTerminals(m, driver, silentLogger);
    await m.start();
    await vi.waitFor(() => expect(driver.terminalsOpened.length).toBe(1));
    const pooledId = driver.terminalsOpened[0] as string;
    const { session } = m.create('bac-a-sable', null);
    expect(session.id).toBe(pooledId);
    // The student's shell is the one already connected: no second connection for it.
    const shell = terminals.shellFor(session.id);
    await shell.attach({ output: () => {}, exited: () => {}, restarted: () => {}, failed: () => {} }, 100, 30);
    expect(driver.terminalsOpened.filter((id) => id === pooledId)).toHaveLength(1);
    await m.stop();
    await terminals.close();
  });

  it('pre-warms within the session cap', async () => {
    const { m } = manager({ poolSize: 0, maxSessions: 3 });
    await m.start();
    m.create('bac-a-sable', null);
    expect(m.prewarm(30)).toBe(2);
    await vi.waitFor(() => expect(m.poolReady).toBe(2));
    await m.stop();
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
    const idle = m.create('bac-a-sable', null).session;
    const busy = m.create('bac-a-sable', null).session;
    await Promise.all([idle.ready, busy.ready]);
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
    const { session, token } = first.create('bac-a-sable', null);
    await session.ready;
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

  it('queues starts beyond the bound, tells each how many wait before it, first come first served', async () => {
    const driver = new FakeDriver();
    let open = () => {};
    driver.startGate = new Promise<void>((resolve) => (open = resolve));
    const { m } = manager({ maxSessions: 10, startsAtOnce: 2 }, driver);
    const sessions = Array.from({ length: 5 }, () => m.create('bac-a-sable', null).session);
    expect(sessions.map((s) => s.state)).toEqual(Array(5).fill('starting'));
    // Two start at once; the others wait their turn, in order.
    expect(sessions.map((s) => m.ahead(s.id))).toEqual([undefined, undefined, 0, 1, 2]);
    open();
    await Promise.all(sessions.map((s) => s.ready));
    expect(sessions.map((s) => s.state)).toEqual(Array(5).fill('ready'));
    expect(sessions.map((s) => m.ahead(s.id))).toEqual(Array(5).fill(undefined));
  });

  it('sizes its starts at once to the cores that run sandboxes, and follows a cluster that grows', async () => {
    const driver = new FakeDriver();
    let open = () => {};
    driver.startGate = new Promise<void>((resolve) => (open = resolve));
    driver.capacityNow = { cpus: 1, nodes: 1 };
    const { m } = manager({ maxSessions: 20 }, driver);
    await m.start();
    const sessions = Array.from({ length: 8 }, () => m.create('bac-a-sable', null).session);
    // One core: two starts at once.
    expect(sessions.map((s) => m.ahead(s.id))).toEqual([undefined, undefined, 0, 1, 2, 3, 4, 5]);
    // Two more nodes of two cores join: ten at once, the waiting ones start without a restart.
    driver.capacityNow = { cpus: 5, nodes: 3 };
    await m.reap();
    expect(sessions.map((s) => m.ahead(s.id))).toEqual(Array(8).fill(undefined));
    open();
    await Promise.all(sessions.map((s) => s.ready));
    await m.stop();
  });

  it('a session ended while it waits never gets a sandbox, and gives its place to the next', async () => {
    const driver = new FakeDriver();
    let open = () => {};
    driver.startGate = new Promise<void>((resolve) => (open = resolve));
    const { m } = manager({ maxSessions: 10, startsAtOnce: 1 }, driver);
    const first = m.create('bac-a-sable', null).session;
    const gone = m.create('bac-a-sable', null).session;
    const third = m.create('bac-a-sable', null).session;
    expect(m.ahead(third.id)).toBe(1);
    await m.destroy(gone.id, 'deleted');
    expect(m.ahead(third.id)).toBe(0);
    open();
    await Promise.all([first.ready, gone.ready, third.ready]);
    expect(driver.sandboxes.has(gone.id)).toBe(false);
    expect([...driver.sandboxes.keys()].sort()).toEqual([first.id, third.id].sort());
  });

  it('a sandbox that cannot start leaves the session failed, with the reason, and frees the seat', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    const driver = new FakeDriver();
    driver.failNextStart = new Error('moteur saturé');
    const { m } = manager({ maxSessions: 1 }, driver);
    const { session } = m.create('bac-a-sable', null);
    await session.ready;
    expect(session.state).toBe('failed');
    expect(session.startError?.message).toBe('moteur saturé');
    // Kept a moment so the page can say why, then ended: the seat is free again.
    expect(() => m.create('bac-a-sable', null)).toThrow(SessionLimitError);
    await vi.advanceTimersByTimeAsync(31_000);
    expect(m.get(session.id)).toBeUndefined();
    expect(m.create('bac-a-sable', null).session.state).toBe('starting');
  });

  it('the reaper leaves a sandbox that is still starting (created, not running yet) alone', async () => {
    const driver = new FakeDriver();
    let open = () => {};
    driver.startGate = new Promise<void>((resolve) => (open = resolve));
    const { m } = manager({ maxSessions: 5 }, driver);
    const { session } = m.create('bac-a-sable', null);
    await vi.waitFor(() => expect(driver.sandboxes.get(session.id)?.running).toBe(false));
    await m.reap();
    expect(m.get(session.id)).toBe(session);
    open();
    await session.ready;
    expect(session.state).toBe('ready');
  });

  it('stop() waits for sandboxes still starting and removes them', async () => {
    const driver = new FakeDriver();
    let open = () => {};
    driver.startGate = new Promise<void>((resolve) => (open = resolve));
    const { m } = manager({ maxSessions: 5 }, driver);
    m.create('bac-a-sable', null);
    const stopped = m.stop();
    open();
    await stopped;
    expect(driver.sandboxes.size).toBe(0);
  });
});
