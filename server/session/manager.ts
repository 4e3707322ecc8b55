// Session lifecycle: a student's session owns one sandbox, taken from the warm pool when one is
// ready, else started in its turn (admission queue); lifetime and idle limits; a cap on
// sessions; a reaper that reconciles with the engine.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { sandboxLabId } from '../../shared/limits.ts';
import type { Lab } from '../../shared/lab-schema.ts';
import { prepareLab } from '../lab/prepare.ts';
import type { Logger } from '../log/log.ts';
import { sandboxStartSeconds, type SessionCounts } from '../metrics/metrics.ts';
import type { Sandbox, SandboxDriver, SandboxSpec } from '../sandbox/driver.ts';
import { AdmissionCancelledError, AdmissionQueue } from './admission.ts';
import { SessionLimitError, UnknownLabError } from './errors.ts';
import type { SessionStore } from './store.ts';

export interface SessionLimits {
  maxSessions: number;
  /** Sessions one client address may hold at once (unbounded when absent). */
  perClient?: number;
  poolSize: number;
  /**
   * Sandbox starts and TP set-ups running at once; more wait their turn. Unset: 2 per core of
   * what runs the sandboxes (the driver's capacity(), this machine or a cluster), followed as
   * nodes come and go.
   */
  startsAtOnce?: number;
  lifetimeSeconds: number;
  idleSeconds: number;
  reaperIntervalSeconds: number;
}

export interface Session {
  id: string;
  labId: string;
  learnerId: string | null;
  /** The client address that opened it, for fair share (unknown for re-adopted sessions). */
  client: string | null;
  createdAt: Date;
  expiresAt: Date;
  lastActivity: number;
  state: 'starting' | 'preparing' | 'ready' | 'failed';
  failure?: string;
  /** Why the sandbox did not start (state `failed` with no sandbox). */
  startError?: Error;
  /** Resolves once the sandbox started and the TP's set-up is done, or one of them failed. */
  ready: Promise<void>;
  /**
   * Steps whose own set-up already ran in this sandbox, each with the state its set-up printed
   * (ids it made, expected answers): kept here, out of the student's reach, and given to the
   * step's check. A server restart forgets it: the set-up then runs again.
   */
  stepsSetUp: Map<string, string>;
  tokenHash: string;
}

export type EndReason = 'deleted' | 'expired' | 'idle' | 'shutdown' | 'lost' | 'class-ended' | 'replaced';

/** A pooled sandbox waits at most this long for a student before it is replaced. */
const poolMaxAgeMs = 60 * 60 * 1000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newId(): string {
  return randomBytes(10).toString('hex');
}

/** Whose turn a session's start takes in the admission queue: its learner's, else its client's. */
function admissionGroup(session: Session): string {
  return session.learnerId ?? session.client ?? session.id;
}

/** How long a class's pre-warm lasts: its students join within this time, or the pool shrinks back. */
const prewarmMs = 30 * 60 * 1000;

export class SessionManager extends EventEmitter<{
  ended: [sessionId: string, reason: EndReason];
  /** A session or a pool sandbox is on its way: a terminal will soon be wanted. */
  starting: [];
  /** A sandbox joined the warm pool: its shell can be connected ahead of its student. */
  pooled: [sessionId: string];
  /** A pool sandbox went away without a student (too old, died, shutdown). */
  unpooled: [sessionId: string];
}> {
  private readonly sessions = new Map<string, Session>();
  private readonly pool: Sandbox[] = [];
  /**
   * Sandboxes a class is about to take, warmed on top of the pool: each pooled sandbox taken
   * while it lasts counts one off, so the pool does not stay that large once the class is in.
   */
  private expected = { count: 0, until: 0 };
  /** Session ids of sandboxes being created, so the reaper leaves them alone. */
  private readonly creating = new Set<string>();
  private poolPending = 0;
  /** Student sandboxes queued or starting (their sessions are in `sessions` already). */
  private starting = 0;
  private readonly admission: AdmissionQueue;
  private startsAtOnce: number;
  private reaper: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly driver: SandboxDriver;
  private readonly store: SessionStore;
  private readonly labs: Map<string, Lab>;
  private readonly limits: SessionLimits;
  private readonly log: Logger;

  constructor(driver: SandboxDriver, store: SessionStore, labs: Map<string, Lab>, limits: SessionLimits, log: Logger) {
    super();
    this.driver = driver;
    this.store = store;
    this.labs = labs;
    this.limits = limits;
    this.log = log;
    this.startsAtOnce = limits.startsAtOnce ?? Math.max(2, 2 * availableParallelism());
    this.admission = new AdmissionQueue(this.startsAtOnce);
  }

  /** Re-adopts the sandboxes of live sessions, removes everything else, starts the reaper and the pool. */
  async start(): Promise<void> {
    await this.followCapacity();
    await this.reconcile(true);
    this.reaper = setInterval(() => void this.reap(), this.limits.reaperIntervalSeconds * 1000);
    this.reaper.unref();
    this.fillPool();
  }

  get size(): number {
    return this.sessions.size;
  }

  get poolReady(): number {
    return this.pool.length;
  }

  /** Live sessions by state, and the warm pool, for the metrics. */
  counts(): SessionCounts {
    const counts = { starting: 0, preparing: 0, ready: 0, failed: 0, pool: this.pool.length };
    for (const session of this.sessions.values()) counts[session.state]++;
    return counts;
  }

  /** Starts a sandbox, timing it for the metrics. */
  private async startSandbox(spec: SandboxSpec): Promise<Sandbox> {
    const started = performance.now();
    const sandbox = await this.driver.create(spec);
    sandboxStartSeconds.observe({ pooled: String(spec.pooled) }, (performance.now() - started) / 1000);
    return sandbox;
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  /** The live sessions of a learner, newest first. */
  ofLearner(learnerId: string): Session[] {
    return [...this.sessions.values()]
      .filter((s) => s.learnerId === learnerId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  /** The session when the token is its own; compared in constant time. */
  authenticate(id: string, token: string): Session | undefined {
    const session = this.sessions.get(id);
    if (!session || typeof token !== 'string' || token.length === 0 || token.length > 200) return undefined;
    const given = Buffer.from(hashToken(token), 'hex');
    const expected = Buffer.from(session.tokenHash, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected) ? session : undefined;
  }

  touch(session: Session): void {
    session.lastActivity = Date.now();
  }

  idleExpiresAt(session: Session): Date {
    const idle = new Date(session.lastActivity + this.limits.idleSeconds * 1000);
    return idle < session.expiresAt ? idle : session.expiresAt;
  }

  /** Sessions held by a client address, those still starting included. */
  private heldBy(client: string): number {
    let held = 0;
    for (const session of this.sessions.values()) if (session.client === client) held++;
    return held;
  }

  /**
   * Opens a session at once: with a warm-pool sandbox when one is ready, else its sandbox start
   * waits its turn in the admission queue (state `starting`, `ahead(id)` tells how many wait
   * before it). The TP's set-up goes through the same queue. `session.ready` settles when both
   * are done or one failed; it never rejects.
   */
  create(labId: string, learnerId: string | null, client: string | null = null): { session: Session; token: string } {
    if (this.stopped) throw new SessionLimitError('stopping', this.limits.maxSessions);
    const lab = this.labs.get(labId);
    if (!lab && labId !== sandboxLabId) throw new UnknownLabError(labId, [...this.labs.keys(), sandboxLabId]);
    if (this.sessions.size >= this.limits.maxSessions) {
      throw new SessionLimitError('full', this.limits.maxSessions);
    }
    const perClient = this.limits.perClient ?? Infinity;
    if (client !== null && this.heldBy(client) >= perClient) throw new SessionLimitError('client', perClient);
    const now = Date.now();
    const pooled = this.pool.shift();
    if (pooled && this.expected.count > 0) this.expected.count--;
    const token = randomBytes(32).toString('base64url');
    const lifetimeEnd = new Date(now + this.limits.lifetimeSeconds * 1000);
    const session: Session = {
      id: pooled?.sessionId ?? newId(),
      labId,
      learnerId,
      client,
      createdAt: new Date(now),
      expiresAt: pooled && pooled.expiresAt < lifetimeEnd ? pooled.expiresAt : lifetimeEnd,
      lastActivity: now,
      state: 'starting',
      ready: Promise.resolve(),
      stepsSetUp: new Map(),
      tokenHash: hashToken(token),
    };
    this.sessions.set(session.id, session);
    if (pooled) {
      session.ready = this.started(session, lab);
    } else {
      this.creating.add(session.id);
      this.starting++;
      session.ready = this.admission
        .run(
          session.id,
          () => this.startSandbox({ sessionId: session.id, expiresAt: lifetimeEnd, pooled: false }),
          admissionGroup(session),
        )
        .then(
          async () => {
            if (this.sessions.get(session.id) !== session) {
              // Ended while it started: its sandbox goes at once.
              await this.track(this.driver.remove(session.id));
              return;
            }
            await this.started(session, lab);
          },
          (error: Error) => this.startFailed(session, error),
        )
        .finally(() => {
          this.creating.delete(session.id);
          this.starting--;
        });
    }
    this.log.info('session created', { sessionId: session.id, lab: labId, fromPool: pooled !== undefined });
    this.emit('starting');
    this.fillPool();
    return { session, token };
  }

  /** How many students wait before this session's start or set-up; undefined when none waits. */
  ahead(sessionId: string): number | undefined {
    return this.admission.ahead(sessionId);
  }

  /** The sandbox is there: the session is recorded (for restarts) and the TP prepared. */
  private started(session: Session, lab: Lab | undefined): Promise<void> {
    this.store.save({
      id: session.id,
      tokenHash: session.tokenHash,
      labId: session.labId,
      learnerId: session.learnerId,
      createdAt: session.createdAt.toISOString(),
      expiresAt: session.expiresAt.toISOString(),
    });
    if (!lab) {
      session.state = 'ready';
      return Promise.resolve();
    }
    session.state = 'preparing';
    return this.admission
      .run(session.id, () => prepareLab(this.driver, session.id, lab), admissionGroup(session))
      .then(
        () => {
          session.state = 'ready';
        },
        (error: Error) => {
          session.state = 'failed';
          session.failure = error.message;
          if (!(error instanceof AdmissionCancelledError)) {
            this.log.error('lab set-up failed', { sessionId: session.id, lab: lab.id, error });
          }
        },
      );
  }

  /** How long a session whose sandbox could not start stays, so its page can say why. */
  private static readonly failedStartKeptMs = 30_000;

  private startFailed(session: Session, error: Error): void {
    session.state = 'failed';
    session.startError = error;
    if (error instanceof AdmissionCancelledError) return;
    this.log.error('sandbox failed to start', { sessionId: session.id, error });
    setTimeout(() => {
      if (this.sessions.get(session.id) === session) void this.destroy(session.id, 'lost');
    }, SessionManager.failedStartKeptMs).unref();
  }

  async destroy(id: string, reason: EndReason): Promise<boolean> {
    const session = this.sessions.get(id);
    if (!session) return false;
    this.sessions.delete(id);
    // Its start or set-up still waiting in the queue is given up.
    this.admission.cancel(id);
    this.store.delete(id);
    // The terminal hears of the end once the sandbox is really gone.
    await this.track(this.driver.remove(id));
    this.emit('ended', id, reason);
    this.log.info('session ended', { sessionId: id, reason });
    this.fillPool();
    return true;
  }

  /** Removals under way, so a shutdown waits for them instead of cutting them off. */
  private readonly removals = new Set<Promise<void>>();

  private async track(removal: Promise<void>): Promise<void> {
    this.removals.add(removal);
    try {
      await removal;
    } finally {
      this.removals.delete(removal);
    }
  }

  /**
   * Warms `count` more sandboxes for a class about to start (its seats), on top of the pool,
   * within the session cap, for half an hour at most. Returns how many the pool now aims at.
   */
  prewarm(count: number): number {
    const expected = Math.min(this.expectedNow() + count, this.limits.maxSessions);
    this.expected = { count: Math.max(0, expected), until: Date.now() + prewarmMs };
    this.log.info('pool pre-warmed for a class', { count, expected: this.expected.count });
    this.fillPool();
    return this.poolTarget();
  }

  /** The pool's size now: its setting, plus what a class is expected to take, within the cap. */
  private poolTarget(): number {
    const room = Math.max(0, this.limits.maxSessions - this.sessions.size);
    return Math.min(this.limits.poolSize + this.expectedNow(), room);
  }

  /** What a class is still expected to take: nothing once its pre-warm is over. */
  private expectedNow(): number {
    return Date.now() < this.expected.until ? this.expected.count : 0;
  }

  /**
   * Pool starts under way at once: at most half the start slots, so that a student who finds
   * the pool empty meanwhile starts at once rather than behind a class's whole pre-warm.
   */
  private get poolStartsAtOnce(): number {
    return Math.max(1, Math.floor(this.startsAtOnce / 2));
  }

  /** Keeps the warm pool full, within the session cap. */
  private fillPool(): void {
    if (this.stopped) return;
    const missing = this.poolTarget() - this.pool.length - this.poolPending;
    const wanted = Math.min(missing, this.poolStartsAtOnce - this.poolPending);
    if (wanted > 0) this.emit('starting');
    for (let i = 0; i < wanted; i++) {
      const sessionId = newId();
      this.poolPending++;
      this.creating.add(sessionId);
      void (async () => {
        let pooled = false;
        try {
          const sandbox = await this.startSandbox({
            sessionId,
            expiresAt: new Date(Date.now() + poolMaxAgeMs + this.limits.lifetimeSeconds * 1000),
            pooled: true,
          });
          if (this.stopped) await this.track(this.driver.remove(sandbox.sessionId));
          else {
            this.pool.push(sandbox);
            pooled = true;
            this.emit('pooled', sandbox.sessionId);
          }
        } catch (error) {
          this.log.error('pool sandbox failed to start', { error });
        } finally {
          // Same turn as the push above: nobody sees the pool grown but still pending.
          this.poolPending--;
          this.creating.delete(sessionId);
        }
        // The next ones, a few at a time (after a failure, the reaper's next pass tries again).
        if (pooled) this.fillPool();
      })();
    }
  }

  /** Ends expired and idle sessions, recycles stale pool sandboxes, reconciles with the engine. */
  /** A pass slower than the interval (a busy engine) must not overlap the next one. */
  private reaping = false;

  async reap(): Promise<void> {
    if (this.stopped || this.reaping) return;
    this.reaping = true;
    try {
      await this.reapOnce();
    } finally {
      this.reaping = false;
    }
  }

  private async reapOnce(): Promise<void> {
    const now = Date.now();
    for (const session of [...this.sessions.values()]) {
      if (now >= session.expiresAt.getTime()) await this.destroy(session.id, 'expired');
      else if (now >= this.idleExpiresAt(session).getTime()) await this.destroy(session.id, 'idle');
    }
    for (const sandbox of [...this.pool]) {
      if (now - sandbox.createdAt.getTime() > poolMaxAgeMs) {
        this.pool.splice(this.pool.indexOf(sandbox), 1);
        this.emit('unpooled', sandbox.sessionId);
        await this.track(this.driver.remove(sandbox.sessionId));
      }
    }
    await this.reconcile(false).catch((error: Error) => this.log.warn('reconcile failed', { error }));
    await this.followCapacity();
    this.fillPool();
  }

  /** Sizes the admission to what runs the sandboxes now, unless its size was set. */
  private async followCapacity(): Promise<void> {
    if (this.limits.startsAtOnce !== undefined) return;
    try {
      const { cpus, nodes } = await this.driver.capacity();
      const size = Math.max(2, Math.ceil(2 * cpus));
      if (size === this.startsAtOnce) return;
      this.startsAtOnce = size;
      this.admission.resize(size);
      this.log.info('starts at once follow the capacity', { cpus, nodes, startsAtOnce: size });
    } catch (error) {
      this.log.warn('capacity unknown, starts at once kept', { error, startsAtOnce: this.startsAtOnce });
    }
  }

  /**
   * Makes the engine match what we know. At start-up, sandboxes of sessions still in the store
   * and not expired are re-adopted; any other labelled sandbox, network or volume is removed.
   */
  async reconcile(startup: boolean): Promise<void> {
    const found = await this.driver.list();
    const records = new Map(this.store.all().map((r) => [r.id, r]));
    const now = Date.now();
    for (const sandbox of found) {
      const known = this.sessions.has(sandbox.sessionId) || this.pool.some((p) => p.sessionId === sandbox.sessionId);
      if (known || this.creating.has(sandbox.sessionId)) {
        // A sandbox still starting is created but not running yet: not lost.
        const starting = this.creating.has(sandbox.sessionId);
        if (!sandbox.running && !starting && this.sessions.has(sandbox.sessionId)) {
          await this.destroy(sandbox.sessionId, 'lost');
        }
        const pooled = this.pool.findIndex((p) => p.sessionId === sandbox.sessionId);
        if (!sandbox.running && pooled >= 0) {
          // A pooled sandbox that died must not be handed to a student.
          this.pool.splice(pooled, 1);
          this.emit('unpooled', sandbox.sessionId);
          await this.track(this.driver.remove(sandbox.sessionId));
        }
        continue;
      }
      const record = records.get(sandbox.sessionId);
      if (startup && record && sandbox.running && new Date(record.expiresAt).getTime() > now) {
        this.sessions.set(record.id, {
          id: record.id,
          labId: record.labId,
          learnerId: record.learnerId,
          client: null,
          createdAt: new Date(record.createdAt),
          expiresAt: new Date(record.expiresAt),
          lastActivity: now,
          state: 'ready',
          ready: Promise.resolve(),
          stepsSetUp: new Map(),
          tokenHash: record.tokenHash,
        });
        this.log.info('session re-adopted', { sessionId: record.id });
        continue;
      }
      this.log.info('removing stray sandbox', { sessionId: sandbox.sessionId });
      await this.track(this.driver.remove(sandbox.sessionId));
    }
    if (startup) {
      for (const record of records.values()) if (!this.sessions.has(record.id)) this.store.delete(record.id);
    }
    const orphans = await this.driver.removeOrphans(this.creating);
    if (orphans > 0) this.log.info('removed orphan objects', { count: orphans });
  }

  /** Graceful shutdown: every sandbox this server made is removed. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reaper) clearInterval(this.reaper);
    const ids = [...this.sessions.keys()];
    await Promise.all(ids.map((id) => this.destroy(id, 'shutdown')));
    await Promise.all(
      this.pool.splice(0).map((s) => {
        this.emit('unpooled', s.sessionId);
        return this.track(this.driver.remove(s.sessionId));
      }),
    );
    await Promise.all([...this.removals]);
    // Sandboxes still starting are removed when their creation resolves (see fillPool, create).
    const deadline = Date.now() + 30_000;
    while (this.poolPending + this.starting > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  }
}
