// Entry point of `npm start`: validates the configuration, builds what is missing (site,
// images), wires the layers together and serves; removes every sandbox on SIGTERM/SIGINT.
import os from 'node:os';
import { allowedOrigins, ConfigError, instanceId, loadConfig } from './config/config.ts';
import { buildApp } from './http/app.ts';
import { buildPreviewApp } from './http/preview/app.ts';
import { parsePreviewHost, PreviewTickets } from './http/preview/host.ts';
import type { SessionServices } from './http/deps.ts';
import { createLogger } from './log/log.ts';
import { renderHelp } from '../content/help.ts';
import { loadCheckLibrary, loadLabs } from '../content/labs.ts';
import { deckIds } from '../content/deck-slides.ts';
import { ClassStore } from './progress/classes.ts';
import { openDatabase } from './progress/database.ts';
import { InstructorStore } from './progress/instructor.ts';
import { Classroom } from './session/classroom.ts';
import { SandboxFiles } from './workspace/files.ts';
import { SandboxPorts } from './workspace/ports.ts';
import { ImageExplorer } from './workspace/images.ts';
import { SqliteProgressStore } from './progress/store.ts';
import { DockerSandboxDriver } from './sandbox/docker-driver.ts';
import { terminalTransport } from './sandbox/terminal-transport.ts';
import { hostResolvers, isolateSandboxes } from './sandbox/firewall.ts';
import { engineMissing, toUserError } from './http/errors.ts';
import { SessionManager } from './session/manager.ts';
import { SessionStore } from './session/store.ts';
import { ensureSiteBuilt } from './site/build.ts';
import { observeSessions } from './metrics/metrics.ts';
import { StepWorkflow } from './session/steps.ts';
import { SessionTerminals } from './session/terminals.ts';

const say = (line: string) => process.stdout.write(line + '\n');

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(error.message + '\n');
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(config.LOG_LEVEL, { service: 'cours-docker' });

  await ensureSiteBuilt(config.SITE_DIR, say);
  const labList = loadLabs(config.LABS_DIR);
  const labs = new Map(labList.map((lab) => [lab.id, lab]));
  const checkLibrary = loadCheckLibrary(config.LABS_DIR);
  const db = openDatabase(config.DATA_DIR);
  const progress = new SqliteProgressStore(db);
  // Learner keys that were never used for anything go after 30 days, checked every 6 hours.
  const pruneLearners = () => {
    const gone = progress.pruneLearners(new Date(Date.now() - 30 * 24 * 3600_000));
    if (gone > 0) log.info('unused learner keys forgotten', { count: gone });
  };
  pruneLearners();
  const pruning = setInterval(pruneLearners, 6 * 3600_000);
  pruning.unref();
  const instructor = new InstructorStore(db);
  const { generated } = await instructor.initialise(config.INSTRUCTOR_PASSWORD);
  if (generated) {
    say(
      `[formateur] Mot de passe formateur, affiché une seule fois : ${generated}  (notez-le ; pour le choisir vous-même, lancez avec INSTRUCTOR_PASSWORD=…)`,
    );
  }
  const decks = deckIds();
  const classroom = new Classroom({
    store: new ClassStore(db),
    progress,
    labs,
    decks: new Set(decks),
    defaultDeck: decks.includes('images-de-conteneurs') ? 'images-de-conteneurs' : (decks[0] ?? 'images-de-conteneurs'),
    log: log.child({ module: 'classroom' }),
    membersPerClient: config.CLASS_MEMBERS_PER_CLIENT,
  });
  classroom.start();

  const images = await import('./images/build.ts');
  const startsAtOnce = config.SANDBOX_STARTS_AT_ONCE || 2 * os.availableParallelism();
  const driver = new DockerSandboxDriver(
    {
      image: config.SANDBOX_IMAGE,
      runtime: config.SANDBOX_RUNTIME,
      privileged: config.SANDBOX_PRIVILEGED,
      memoryBytes: config.SANDBOX_MEMORY,
      cpus: config.SANDBOX_CPUS,
      cpuWeight: config.SANDBOX_CPU_WEIGHT,
      maxConcurrentStarts: startsAtOnce,
      pidsLimit: config.SANDBOX_PIDS,
      diskBytes: config.SANDBOX_DISK,
      homeBytes: config.SANDBOX_HOME,
      egress: config.SANDBOX_EGRESS,
      subnetPool: config.SANDBOX_SUBNET_POOL,
      // Sandboxes reach only the read-only mirror; the writable registry stays on the host's loopback.
      registryContainer: images.REGISTRY_MIRROR_CONTAINER,
      registryAlias: images.REGISTRY_ALIAS,
      readyTimeoutSeconds: 60,
      instance: instanceId(config),
      dns: hostResolvers(),
      terminalTransport: terminalTransport(config.SANDBOX_TERMINAL, process.env.DOCKER_HOST),
      isolation: config.SANDBOX_ISOLATION,
    },
    log.child({ module: 'sandbox' }),
  );

  const worstCase = config.MAX_SESSIONS * config.SANDBOX_MEMORY;
  if (worstCase > os.totalmem()) {
    say(
      `[limites] À savoir : au pire, MAX_SESSIONS × SANDBOX_MEMORY = ${(worstCase / 1024 ** 3).toFixed(1)} Gio, plus que la mémoire de la machine (${(os.totalmem() / 1024 ** 3).toFixed(1)} Gio). Un bac à sable au repos prend environ 40 Mio ; si des élèves remplissent tous leur disque (en mémoire), baissez MAX_SESSIONS ou SANDBOX_DISK.`,
    );
  }

  let services: SessionServices | undefined;
  let registryReady = false;
  /** Why no session can be opened (French), for the 503s and /api/ready. */
  let unavailable: string | undefined;
  if (await driver.engineAvailable()) {
    if (config.BUILD_IMAGES) {
      await images.buildImages({ log: say });
    }
    await images.ensureRegistryRunning(say);
    registryReady = true;
    try {
      // Fails closed: without the isolation the operator asked for, no sandbox starts.
      await isolateSandboxes(config.SANDBOX_FIREWALL, config.SANDBOX_SUBNET_POOL, process.env.DOCKER_HOST, log);
      const mode = await driver.resolveIsolation();
      say(
        mode === 'userns'
          ? '[sécurité] Isolation userns : le root d’un bac à sable est un utilisateur ordinaire de l’hôte (userns-remap).'
          : '[sécurité] Isolation none : le root d’un bac à sable est le root de l’hôte, avec peu de capacités (machine dédiée ; voir SANDBOX_ISOLATION).',
      );
    } catch (error) {
      log.error('sandbox isolation not in place: no sandbox will start', { error });
      unavailable = toUserError(error).message;
      say(`[sécurité] ${unavailable}`);
    }
  } else {
    unavailable = engineMissing;
    say(
      '[moteur] Aucun moteur Docker ne répond : le site fonctionne, mais sans bacs à sable. Installez docker.io, lancez dockerd (ou réglez DOCKER_HOST), puis relancez.',
    );
  }
  if (!unavailable) {
    const sessions = new SessionManager(
      driver,
      new SessionStore(db),
      labs,
      {
        maxSessions: config.MAX_SESSIONS,
        perClient: config.SESSIONS_PER_CLIENT,
        poolSize: config.POOL_SIZE,
        startsAtOnce,
        lifetimeSeconds: config.SESSION_LIFETIME,
        idleSeconds: config.SESSION_IDLE_TIMEOUT,
        reaperIntervalSeconds: config.REAPER_INTERVAL,
      },
      log.child({ module: 'session' }),
    );
    await sessions.start();
    services = {
      sessions,
      steps: new StepWorkflow({
        driver,
        sessions,
        labs,
        progress,
        checkLibrary,
        help: await renderHelp(labs.values()),
        log: log.child({ module: 'steps' }),
      }),
      terminals: new SessionTerminals(sessions, driver, log.child({ module: 'terminal' })),
      images: new ImageExplorer(driver),
      files: new SandboxFiles(driver),
      ports: new SandboxPorts(driver),
    };
    sessions.on('ended', (sessionId) => {
      services?.images.forget(sessionId);
      services?.ports.forget(sessionId);
    });
    observeSessions(() => sessions.counts());
    classroom.attach(services);
  }

  // Ready once the warm pool has been full once: later refills do not make the server unready.
  let poolFilled = config.POOL_SIZE === 0;
  const readiness = async () => {
    const waiting: string[] = [];
    if (!(await driver.engineAvailable())) waiting.push('le moteur Docker ne répond pas');
    if (unavailable) waiting.push(unavailable);
    if (!registryReady) waiting.push('le registre du cours n’est pas démarré');
    if (services && !poolFilled) {
      poolFilled = services.sessions.poolReady >= Math.min(config.POOL_SIZE, config.MAX_SESSIONS);
      if (!poolFilled) waiting.push(`bacs à sable d’avance : ${services.sessions.poolReady}/${config.POOL_SIZE}`);
    }
    return { ready: waiting.length === 0, waiting };
  };

  const deps = {
    services,
    ...(unavailable ? { unavailable } : {}),
    labs,
    progress,
    classroom,
    instructor,
    engineAvailable: () => driver.engineStatus(),
    readiness,
    log: log.child({ module: 'http' }),
  };
  // The students' web servers are shown on their own origin (see server/http/preview/app.ts).
  const origins = allowedOrigins(config);
  const wantedPreviewPort = config.PREVIEW_PORT ?? (config.PORT < 65535 ? config.PORT + 1 : 0);
  let previewPort: number | undefined;
  const previewHost = config.PREVIEW_HOST
    ? { name: parsePreviewHost(config.PREVIEW_HOST), tickets: new PreviewTickets() }
    : undefined;
  const preview =
    services && wantedPreviewPort
      ? await buildPreviewApp(deps, {
          frameAncestors: [...origins],
          trustProxy: config.TRUST_PROXY,
          connectionsPerClient: config.CONNECTIONS_PER_CLIENT,
          webSocketsPerClient: config.WEBSOCKETS_PER_CLIENT,
          ...(previewHost ? { host: previewHost } : {}),
        })
      : undefined;
  if (preview) {
    try {
      await preview.listen({ port: wantedPreviewPort, host: config.HOST });
      previewPort = wantedPreviewPort;
    } catch (error) {
      say(
        `[aperçu] Le port ${wantedPreviewPort} de l’aperçu web est pris (${error instanceof Error ? error.message : String(error)}) : aperçu web désactivé. Réglez PREVIEW_PORT.`,
      );
    }
  }
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
    await preview?.close();
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
