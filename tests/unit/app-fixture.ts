// Builds the real Fastify app on a fake sandbox driver, for unit tests of the routes (inject)
// and of the terminal socket (listening on a free port). Never used by integration tests.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { renderHelp } from '../../content/help.ts';
import { buildApp, type AppOptions } from '../../server/http/app.ts';
import type { TerminalOptions } from '../../server/http/terminal/connection.ts';
import { silentLogger } from '../../server/log/log.ts';
import type { DatabaseSync } from 'node:sqlite';
import { openDatabase } from '../../server/progress/database.ts';
import { ClassStore } from '../../server/progress/classes.ts';
import { InstructorStore } from '../../server/progress/instructor.ts';
import { SqliteProgressStore } from '../../server/progress/store.ts';
import { Classroom } from '../../server/session/classroom.ts';
import { SandboxFiles } from '../../server/workspace/files.ts';
import { SandboxPorts } from '../../server/workspace/ports.ts';
import { ImageExplorer } from '../../server/workspace/images.ts';
import type { TerminalProcess } from '../../server/sandbox/driver.ts';
import { SessionManager, type SessionLimits } from '../../server/session/manager.ts';
import { StepWorkflow } from '../../server/session/steps.ts';
import { SessionStore } from '../../server/session/store.ts';
import { SessionTerminals } from '../../server/session/terminals.ts';
import type { Lab } from '../../shared/lab-schema.ts';
import { FakeDriver } from './fake-driver.ts';

export interface FixtureOptions {
  labs?: Lab[];
  limits?: Partial<SessionLimits>;
  terminal?: Partial<TerminalOptions>;
  /** No engine: the app runs without session services, as on a machine without Docker. */
  noEngine?: boolean;
  siteDir?: string;
  allowedOrigins?: string[];
  sessionsPerClientPerMinute?: number;
  trustProxy?: boolean;
  instructorPassword?: string;
  /** Members (and their sandboxes) one address may hold (CLASS_MEMBERS_PER_CLIENT). */
  membersPerClient?: number;
  /** Other options of the app (connection bounds, load shedding). */
  app?: Partial<AppOptions>;
}

export interface Fixture {
  app: FastifyInstance;
  driver: FakeDriver;
  sessions: SessionManager;
  progress: SqliteProgressStore;
  classroom: Classroom;
  db: DatabaseSync;
  /** Every terminal the driver opened, in order. */
  terminals: TerminalProcess[];
  close(): Promise<void>;
}

export async function appFixture(options: FixtureOptions = {}): Promise<Fixture> {
  const driver = new FakeDriver();
  const terminals: TerminalProcess[] = [];
  const open = driver.openTerminal.bind(driver);
  driver.openTerminal = async (sessionId: string) => {
    const t = await open(sessionId);
    terminals.push(t);
    return t;
  };
  const db = openDatabase(':memory:');
  const labs = new Map((options.labs ?? []).map((lab) => [lab.id, lab]));
  const limits: SessionLimits = {
    maxSessions: 5,
    poolSize: 0,
    lifetimeSeconds: 600,
    idleSeconds: 600,
    reaperIntervalSeconds: 3600,
    ...options.limits,
  };
  const sessions = new SessionManager(driver, new SessionStore(db), labs, limits, silentLogger);
  const progress = new SqliteProgressStore(db);
  const terminalsLayer = new SessionTerminals(sessions, driver, silentLogger);
  const services = options.noEngine
    ? undefined
    : {
        sessions,
        steps: new StepWorkflow({
          driver,
          sessions,
          labs,
          progress,
          checkLibrary: '',
          help: await renderHelp(labs.values()),
          log: silentLogger,
        }),
        terminals: terminalsLayer,
        images: new ImageExplorer(driver),
        files: new SandboxFiles(driver),
        ports: new SandboxPorts(driver),
      };
  const appOptions: AppOptions = {
    siteDir: options.siteDir ?? '/nonexistent',
    allowedOrigins: new Set(options.allowedOrigins ?? []),
    ...(options.terminal ? { terminal: options.terminal } : {}),
    ...(options.sessionsPerClientPerMinute ? { sessionsPerClientPerMinute: options.sessionsPerClientPerMinute } : {}),
    ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
    ...options.app,
  };
  const instructor = new InstructorStore(db);
  await instructor.initialise(options.instructorPassword ?? 'mot-de-passe-formateur');
  const classroom = new Classroom({
    store: new ClassStore(db),
    progress,
    labs,
    decks: new Set(['images-de-conteneurs']),
    defaultDeck: 'images-de-conteneurs',
    log: silentLogger,
    ...(options.membersPerClient ? { membersPerClient: options.membersPerClient } : {}),
  });
  classroom.start();
  if (services) classroom.attach(services);
  const app = await buildApp(
    {
      services,
      labs,
      progress,
      classroom,
      instructor,
      engineAvailable: () => Promise.resolve(!options.noEngine),
      readiness: () => Promise.resolve({ ready: !options.noEngine, waiting: options.noEngine ? ['moteur'] : [] }),
      log: silentLogger,
    },
    appOptions,
  );
  return {
    app,
    driver,
    sessions,
    progress,
    classroom,
    db,
    terminals,
    close: async () => {
      classroom.stop();
      await app.close();
      await terminalsLayer.close();
      await sessions.stop();
      db.close();
    },
  };
}

/** Listens on a free port of 127.0.0.1 and answers it. */
export async function listen(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as AddressInfo).port;
}
