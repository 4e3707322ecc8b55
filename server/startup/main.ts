// The composition root of `npm start` (server/main.ts only loads it): validates the configuration,
// builds what is missing (site, images), wires the layers together and serves; removes every
// sandbox on SIGTERM/SIGINT.
import { allowedOrigins, ConfigError, loadConfig } from '../config/config.ts';
import { buildApp } from '../http/app.ts';
import { buildPreviewApp } from '../http/preview/app.ts';
import { parsePreviewHost, PreviewTickets, type PreviewHost } from '../http/preview/host.ts';
import type { SessionServices } from '../http/deps.ts';
import { createLogger } from '../log/log.ts';
import { renderHelp } from '../../content/help.ts';
import { loadCheckLibrary, loadLabs } from '../../content/labs.ts';
import { deckIds } from '../../content/deck-slides.ts';
import { ClassStore } from '../progress/classes.ts';
import { openDatabase } from '../progress/database.ts';
import { InstructorStore } from '../progress/instructor.ts';
import { Classroom } from '../session/classroom.ts';
import { SandboxFiles } from '../workspace/files.ts';
import { SandboxPorts } from '../workspace/ports.ts';
import { ImageExplorer } from '../workspace/images.ts';
import { SqliteProgressStore } from '../progress/store.ts';
import type { EngineDriver } from '../sandbox/driver.ts';
import { prepareEngine, sandboxDriver } from './sandbox-driver.ts';
import { SessionManager } from '../session/manager.ts';
import { SessionStore } from '../session/store.ts';
import { ensureSiteBuilt } from '../site/build.ts';
import { observeSessions } from '../metrics/metrics.ts';
import { StepWorkflow } from '../session/steps.ts';
import { SessionTerminals } from '../session/terminals.ts';

const say = (line: string) => process.stdout.write(line + '\n');

type Config = ReturnType<typeof loadConfig>;
type Logger = ReturnType<typeof createLogger>;
type Database = ReturnType<typeof openDatabase>;

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(error.message + '\n');
      process.exit(2);
    }
    throw error;
  }
}

/** The learners' progress; keys that were never used for anything go after 30 days, checked every 6 hours. */
function progressStore(db: Database, log: Logger): { progress: SqliteProgressStore; pruning: NodeJS.Timeout } {
  const progress = new SqliteProgressStore(db);
  const pruneLearners = () => {
    const gone = progress.pruneLearners(new Date(Date.now() - 30 * 24 * 3600_000));
    if (gone > 0) log.info('unused learner keys forgotten', { count: gone });
  };
  pruneLearners();
  const pruning = setInterval(pruneLearners, 6 * 3600_000);
  pruning.unref();
  return { progress, pruning };
}

/** The instructor's store, with a password generated and shown once when none was set. */
async function instructorStore(db: Database, config: Config): Promise<InstructorStore> {
  const instructor = new InstructorStore(db);
  const { generated } = await instructor.initialise(config.INSTRUCTOR_PASSWORD);
  if (generated) {
    say(
      `[formateur] Mot de passe formateur, affiché une seule fois : ${generated}  (notez-le ; pour le choisir vous-même, lancez avec INSTRUCTOR_PASSWORD=…)`,
    );
  }
  return instructor;
}

interface Content {
  labs: Map<string, ReturnType<typeof loadLabs>[number]>;
  checkLibrary: ReturnType<typeof loadCheckLibrary>;
}

/** The sessions and everything that works on them: steps, terminals, images, files, ports. */
async function sessionServices(
  config: Config,
  driver: EngineDriver,
  db: Database,
  content: Content,
  progress: SqliteProgressStore,
  startsAtOnce: number | undefined,
  log: Logger,
): Promise<SessionServices> {
  const { labs } = content;
  const sessions = new SessionManager(
    driver,
    new SessionStore(db),
    labs,
    {
      maxSessions: config.MAX_SESSIONS,
      perClient: config.SESSIONS_PER_CLIENT,
      poolSize: config.POOL_SIZE,
      ...(startsAtOnce ? { startsAtOnce } : {}),
      lifetimeSeconds: config.SESSION_LIFETIME,
      idleSeconds: config.SESSION_IDLE_TIMEOUT,
      reaperIntervalSeconds: config.REAPER_INTERVAL,
    },
    log.child({ module: 'session' }),
  );
  await sessions.start();
  const services: SessionServices = {
    sessions,
    steps: new StepWorkflow({
      driver,
      sessions,
      labs,
      progress,
      checkLibrary: content.checkLibrary,
      help: await renderHelp(labs.values()),
      log: log.child({ module: 'steps' }),
    }),
    terminals: new SessionTerminals(sessions, driver, log.child({ module: 'terminal' })),
    images: new ImageExplorer(driver),
    files: new SandboxFiles(driver),
    ports: new SandboxPorts(driver),
  };
  sessions.on('ended', (sessionId) => {
    services.images.forget(sessionId);
    services.ports.forget(sessionId);
  });
  observeSessions(() => sessions.counts());
  return services;
}

/** /api/ready: the engine, the isolation, the registry, and the warm pool full once (refills do not count). */
function readinessProbe(
  config: Config,
  driver: EngineDriver,
  engine: { registryReady: boolean; unavailable?: string },
  services: SessionServices | undefined,
): () => Promise<{ ready: boolean; waiting: string[] }> {
  let poolFilled = config.POOL_SIZE === 0;
  return async () => {
    const waiting: string[] = [];
    if (!(await driver.engineAvailable())) waiting.push('le moteur Docker ne répond pas');
    if (engine.unavailable) waiting.push(engine.unavailable);
    if (!engine.registryReady) waiting.push('le registre du cours n’est pas démarré');
    if (services && !poolFilled) {
      poolFilled = services.sessions.poolReady >= Math.min(config.POOL_SIZE, config.MAX_SESSIONS);
      if (!poolFilled) waiting.push(`bacs à sable d’avance : ${services.sessions.poolReady}/${config.POOL_SIZE}`);
    }
    return { ready: waiting.length === 0, waiting };
  };
}

type AppDeps = Parameters<typeof buildApp>[0];

/** The students' web servers on their own origin (see server/http/preview/app.ts), when the port is free. */
async function startPreview(
  config: Config,
  deps: AppDeps,
  origins: ReturnType<typeof allowedOrigins>,
  previewHost: { name: PreviewHost; tickets: PreviewTickets } | undefined,
): Promise<{ app?: Awaited<ReturnType<typeof buildPreviewApp>>; port?: number }> {
  const wanted = config.PREVIEW_PORT ?? (config.PORT < 65535 ? config.PORT + 1 : 0);
  if (!deps.services || !wanted) return {};
  const app = await buildPreviewApp(deps, {
    frameAncestors: [...origins],
    trustProxy: config.TRUST_PROXY,
    connectionsPerClient: config.CONNECTIONS_PER_CLIENT,
    webSocketsPerClient: config.WEBSOCKETS_PER_CLIENT,
    ...(previewHost ? { host: previewHost } : {}),
  });
  try {
    await app.listen({ port: wanted, host: config.HOST });
    return { app, port: wanted };
  } catch (error) {
    say(
      `[aperçu] Le port ${wanted} de l’aperçu web est pris (${error instanceof Error ? error.message : String(error)}) : aperçu web désactivé. Réglez PREVIEW_PORT.`,
    );
    return { app };
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  const log = createLogger(config.LOG_LEVEL, { service: 'cours-docker' });
  await ensureSiteBuilt(config.SITE_DIR, say);
  const labList = loadLabs(config.LABS_DIR);
  const content: Content = {
    labs: new Map(labList.map((lab) => [lab.id, lab])),
    checkLibrary: loadCheckLibrary(config.LABS_DIR),
  };
  const db = openDatabase(config.DATA_DIR);
  const { progress, pruning } = progressStore(db, log);
  const instructor = await instructorStore(db, config);
  const decks = deckIds();
  const classroom = new Classroom({
    store: new ClassStore(db),
    progress,
    labs: content.labs,
    decks: new Set(decks),
    defaultDeck: decks.includes('images-de-conteneurs') ? 'images-de-conteneurs' : (decks[0] ?? 'images-de-conteneurs'),
    log: log.child({ module: 'classroom' }),
    membersPerClient: config.CLASS_MEMBERS_PER_CLIENT,
  });
  classroom.start();

  const images = await import('../images/build.ts');
  // Unset (0): 2 per core of what runs the sandboxes, this engine's or the cluster's (capacity()).
  const startsAtOnce = config.SANDBOX_STARTS_AT_ONCE || undefined;
  const driver = sandboxDriver(config, images, startsAtOnce, log);
  const engine = await prepareEngine(config, driver, images, log);
  const services = engine.unavailable
    ? undefined
    : await sessionServices(config, driver, db, content, progress, startsAtOnce, log);
  if (services) classroom.attach(services);

  const deps: AppDeps = {
    services,
    ...(engine.unavailable ? { unavailable: engine.unavailable } : {}),
    labs: content.labs,
    progress,
    classroom,
    instructor,
    engineAvailable: () => driver.engineStatus(),
    readiness: readinessProbe(config, driver, engine, services),
    log: log.child({ module: 'http' }),
  };
  const origins = allowedOrigins(config);
  const previewHost = config.PREVIEW_HOST
    ? { name: parsePreviewHost(config.PREVIEW_HOST), tickets: new PreviewTickets() }
    : undefined;
  const preview = await startPreview(config, deps, origins, previewHost);
  const previewPort = preview.port;
  const app = await buildApp(deps, {
    siteDir: config.SITE_DIR,
    allowedOrigins: origins,
    sessionsPerClientPerMinute: config.SESSIONS_PER_CLIENT_PER_MINUTE,
    trustProxy: config.TRUST_PROXY,
    connectionsPerClient: config.CONNECTIONS_PER_CLIENT,
    webSocketsPerClient: config.WEBSOCKETS_PER_CLIENT,
    overloadEventLoopDelay: config.OVERLOAD_EVENT_LOOP_DELAY,
    ...(previewPort ? { previewPort } : {}),
    ...(previewPort && previewHost ? { previewHost } : {}),
  });
  await app.listen({ port: config.PORT, host: config.HOST });
  say(
    `Cours Docker prêt : http://${config.HOST}:${config.PORT}/ (bacs à sable : ${services ? 'oui' : 'non'}${previewPort ? `, aperçu web sur le port ${previewPort}${previewHost ? ` pour *.${config.PREVIEW_HOST}` : ''}` : ''})`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`[arrêt] ${signal} reçu : suppression des bacs à sable…`);
    classroom.stop();
    clearInterval(pruning);
    await preview.app?.close();
    await app.close();
    await services?.terminals.close();
    await services?.images.close();
    await services?.sessions.stop();
    db.close();
    say('[arrêt] terminé.');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`Démarrage impossible : ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
