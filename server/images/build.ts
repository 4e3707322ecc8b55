// Builds the container images of the course (Debian bases, sandbox, course registry and the
// images it preloads) and starts the course registry. Content-cached and idempotent: a second
// run only checks. CLI: `node server/images/build.ts [--force]`; the server calls buildImages().
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashBuildContext } from './context-hash.ts';
import {
  DEBIAN_PUSHES,
  MIRROR_IMAGES,
  REGISTRY_BUILD,
  REPO_ROOT,
  SANDBOX_BUILD,
  mirrorBuild,
  type BuildSpec,
} from './catalog.ts';
import { ensureRegistryRunning, pushToRegistry, registryHostPort, type RegistryInfo } from './course-registry.ts';
import { DEBIAN_RELEASES, ensureDebianBase, ensureDebianSlim, type BaseStatus } from './debian-base.ts';
import { docker, inspectImage, inspectImages, tailLines } from './docker-cli.ts';
import { ImagesError } from './images-error.ts';

export { SANDBOX_IMAGE } from './catalog.ts';
export {
  REGISTRY_ALIAS,
  REGISTRY_CONTAINER,
  REGISTRY_IMAGE,
  REGISTRY_MIRROR,
  REGISTRY_MIRROR_CONTAINER,
  REGISTRY_NETWORK,
  REGISTRY_VOLUME,
  ensureRegistryRunning,
  type RegistryInfo,
} from './course-registry.ts';
export { ImagesError } from './images-error.ts';

/**
 * built: made now; up-to-date: nothing to do; pulled: from a registry; imported: made with
 * debootstrap; loaded: the Debian base, from the builder's cache.
 */
export type ImageStatus = 'built' | 'up-to-date' | 'pulled' | 'imported' | 'loaded';

export interface ImageReport {
  /** Image as shown to users, e.g. "cours-docker/sandbox", "nginx", "debian:bookworm". */
  image: string;
  status: ImageStatus;
  /** Tags pushed to the course registry during this run (none when it already had them). */
  pushedTags: string[];
  seconds: number;
}

export interface ImagesReport {
  images: ImageReport[];
  registry: RegistryInfo;
  seconds: number;
}

export interface BuildImagesOptions {
  /** Receives each progress line (French); default: nothing is printed. */
  log?: (line: string) => void;
  /** Rebuild every image without Docker's layer cache and push every tag again. */
  force?: boolean;
}

/** Builds run two at a time: the CI machine has two cores. */
const PARALLEL_BUILDS = 2;

interface Context {
  log: (line: string) => void;
  force: boolean;
  cacheDir: string;
  stepCount: number;
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

function formatSeconds(value: number): string {
  return `${value.toFixed(1).replace('.', ',')} s`;
}

function cacheDirectory(): string {
  return process.env.CACHE_DIR ? resolve(process.env.CACHE_DIR) : join(REPO_ROOT, '.cache/images');
}

function safeName(label: string): string {
  return label.replace(/[^A-Za-z0-9.-]+/g, '-');
}

async function checkEngine(): Promise<string> {
  const result = await docker(['version', '--format', '{{.Server.Version}}'], { timeoutMs: 15_000 });
  if (result.code === 127) {
    throw new ImagesError(
      'La commande docker est introuvable : installez le client Docker (par exemple « apt-get install docker.io »).',
    );
  }
  if (result.code !== 0 || !result.stdout.trim()) {
    throw new ImagesError(
      'Aucun moteur Docker ne répond. Démarrez-le (« systemctl start docker », ou « dockerd & » en root), ' +
        'ou indiquez son adresse avec la variable DOCKER_HOST (par exemple DOCKER_HOST=unix:///var/run/docker.sock).',
      { logTail: tailLines(result.stderr, 5) },
    );
  }
  return result.stdout.trim();
}

async function readLogTail(logFile: string, lines: number): Promise<string> {
  try {
    return tailLines(await readFile(logFile, 'utf8'), lines);
  } catch {
    return '';
  }
}

/** Builds `spec` unless an image with the same content hash is already tagged. */
async function buildImage(context: Context, spec: BuildSpec, step: number): Promise<'built' | 'up-to-date'> {
  const stepText = `(étape ${step}/${context.stepCount})`;
  const base = await inspectImage(spec.base);
  if (!base) throw new ImagesError(`L'image ${spec.base} a disparu du moteur Docker.`);
  const hash = await hashBuildContext(spec.contextDir, {
    files: spec.hashFiles,
    extra: [relative(REPO_ROOT, spec.dockerfile), base.id],
  });
  const [primaryTag, ...otherTags] = spec.tags;
  if (!primaryTag) throw new Error(`no tag for ${spec.label}`);
  const current = await inspectImages(spec.tags);
  const primary = current.get(primaryTag);
  if (!context.force && primary?.labels['cours-docker.hash'] === hash) {
    for (const tag of otherTags) {
      if (current.get(tag)?.id !== primary.id) await docker(['tag', primaryTag, tag]);
    }
    context.log(`[images] ${spec.label} : déjà à jour ${stepText}`);
    return 'up-to-date';
  }

  const started = performance.now();
  const logFile = join(context.cacheDir, 'logs', `${safeName(spec.label)}.log`);
  await writeFile(logFile, '');
  context.log(`[images] construction de ${spec.label} ... ${stepText}`);
  const args = ['build', '--label', `cours-docker.hash=${hash}`, '--label', `cours-docker.image=${spec.label}`];
  for (const tag of spec.tags) args.push('-t', tag);
  if (context.force) args.push('--no-cache');
  args.push('-f', spec.dockerfile, spec.contextDir);
  // The classic builder: the engine's own (20.10 here, no buildx); IMAGES_BUILDKIT=1 opts out.
  const env = { DOCKER_BUILDKIT: process.env.IMAGES_BUILDKIT === '1' ? '1' : '0' };
  const result = await docker(args, { env, logFile, timeoutMs: 60 * 60_000 });
  if (result.code !== 0) {
    throw new ImagesError(
      `La construction de ${spec.label} a échoué (code ${result.code}${result.timedOut ? ', délai dépassé' : ''}).`,
      { logTail: await readLogTail(logFile, 25), logFile },
    );
  }
  context.log(`[images] ${spec.label} : construite en ${formatSeconds(seconds(started))} ${stepText}`);
  return 'built';
}

async function push(
  context: Context,
  registry: RegistryInfo,
  source: string,
  name: string,
  tags: string[],
): Promise<string[]> {
  const started = performance.now();
  const logFile = join(context.cacheDir, 'logs', `push-${safeName(name)}.log`);
  const pushed = await pushToRegistry(registry.hostPort, source, name, tags, { force: context.force, logFile });
  if (pushed.length > 0) {
    context.log(
      `[images] ${name} : poussée au registre du cours (${pushed.join(', ')}) en ${formatSeconds(seconds(started))}`,
    );
  }
  return pushed;
}

/** Runs `tasks` with at most `limit` at once; stops starting new ones after a failure. */
async function runPool(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  let failure: unknown;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < tasks.length) {
      const task = tasks[next++];
      if (!task) break;
      try {
        await task();
      } catch (error) {
        if (!failed) failure = error;
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  if (failed) throw failure;
}

const STATUS_TEXT: Record<ImageStatus, string> = {
  built: 'construite',
  'up-to-date': 'à jour',
  pulled: 'téléchargée',
  imported: 'construite (debootstrap)',
  loaded: 'reprise du cache',
};

function summaryLines(images: ImageReport[], total: number): string[] {
  const rows = images.map((image) => [
    image.image,
    STATUS_TEXT[image.status] + (image.pushedTags.length > 0 ? ', poussée' : ''),
    formatSeconds(image.seconds),
  ]);
  const header = ['image', 'statut', 'durée'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const format = (row: string[]): string =>
    '  ' +
    row
      .map((cell, column) => (column === 2 ? cell.padStart(widths[2] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('   ');
  return [
    '[images] résumé :',
    format(header),
    ...rows.map(format),
    `[images] terminé en ${formatSeconds(total)} (journaux : ${relative(process.cwd(), join(cacheDirectory(), 'logs')) || '.'})`,
  ];
}

/**
 * Makes every image the course needs and starts the course registry with the preloaded
 * images pushed to it. Throws an ImagesError (French message) when something fails.
 */
export async function buildImages(options: BuildImagesOptions = {}): Promise<ImagesReport> {
  const startedAll = performance.now();
  const context: Context = {
    log: options.log ?? (() => undefined),
    force: options.force ?? false,
    cacheDir: cacheDirectory(),
    stepCount: 6 + MIRROR_IMAGES.length,
  };
  const { log } = context;
  await mkdir(join(context.cacheDir, 'logs'), { recursive: true });
  registryHostPort(); // Rejects a bad REGISTRY_HOST_PORT before any long step.
  const stepText = (step: number): string => `(étape ${step}/${context.stepCount})`;
  const statusText = (status: ImageStatus): string => (status === 'up-to-date' ? 'déjà à jour' : STATUS_TEXT[status]);

  const version = await checkEngine();
  log(`[images] moteur Docker ${version} joignable ${stepText(1)}`);

  // The bases one after the other (debootstrap is the heaviest step when there is no cache).
  const reports: ImageReport[] = [];
  const baseStatuses = new Map<string, BaseStatus>();
  for (const release of DEBIAN_RELEASES) {
    const baseStarted = performance.now();
    log(`[images] image de base ${release.image} ... ${stepText(2)}`);
    const status = await ensureDebianBase(context, release);
    baseStatuses.set(release.suite, status);
    const report: ImageReport = { image: release.image, status, pushedTags: [], seconds: seconds(baseStarted) };
    reports.push(report);
    log(`[images] image de base ${release.image} : ${statusText(status)} (${formatSeconds(report.seconds)})`);
  }

  // Everything else only needs the base: two tasks at a time, the longest first. The
  // registry's task resolves registryReady; the preloaded images wait for it to push.
  let registryResolve: (info: RegistryInfo) => void = () => undefined;
  let registryReject: (error: unknown) => void = () => undefined;
  const registryReady = new Promise<RegistryInfo>((resolvePromise, rejectPromise) => {
    registryResolve = resolvePromise;
    registryReject = rejectPromise;
  });
  registryReady.catch(() => undefined);

  const slimReports = DEBIAN_RELEASES.map((release): ImageReport => ({
    image: release.slimImage,
    status: 'up-to-date',
    pushedTags: [],
    seconds: 0,
  }));
  reports.push(...slimReports);
  const buildTask = (spec: BuildSpec, step: number, afterBuild?: (report: ImageReport) => Promise<void>) => {
    const report: ImageReport = { image: spec.label, status: 'up-to-date', pushedTags: [], seconds: 0 };
    reports.push(report);
    return async (): Promise<void> => {
      const taskStarted = performance.now();
      try {
        report.status = await buildImage(context, spec, step);
        if (afterBuild) await afterBuild(report);
      } finally {
        report.seconds = seconds(taskStarted);
      }
    };
  };

  const registryBuild = buildTask(REGISTRY_BUILD, 4, async () => {
    registryResolve(await ensureRegistryRunning(log));
  });
  // A failed build or start of the registry fails the tasks waiting for it too, instead of
  // leaving them waiting for ever.
  const registryTask = async (): Promise<void> => {
    try {
      await registryBuild();
    } catch (error) {
      registryReject(error);
      throw error;
    }
  };
  const sandboxTask = buildTask(SANDBOX_BUILD, 5);
  const mirrorTasks = MIRROR_IMAGES.map((image, index) => {
    const spec = mirrorBuild(image);
    return buildTask(spec, 6 + index, async (report) => {
      const registry = await registryReady;
      const [primaryTag] = spec.tags;
      if (primaryTag) report.pushedTags = await push(context, registry, primaryTag, image.name, image.tags);
    });
  });
  const debianTask = async (): Promise<void> => {
    for (const [index, release] of DEBIAN_RELEASES.entries()) {
      const slimReport = slimReports[index];
      if (!slimReport) continue;
      const slimStarted = performance.now();
      log(`[images] image de base ${release.slimImage} ... ${stepText(3)}`);
      slimReport.status = await ensureDebianSlim(context, release, baseStatuses.get(release.suite) ?? 'up-to-date');
      slimReport.seconds = seconds(slimStarted);
      log(
        `[images] image de base ${release.slimImage} : ${statusText(slimReport.status)} (${formatSeconds(slimReport.seconds)})`,
      );
    }
    const registry = await registryReady;
    log(`[images] debian : vérification dans le registre du cours ${stepText(context.stepCount)}`);
    for (const spec of DEBIAN_PUSHES) {
      const report = reports.find((candidate) => candidate.image === spec.source);
      const pushStarted = performance.now();
      const pushed = await push(context, registry, spec.source, spec.name, spec.tags);
      if (report) {
        report.pushedTags = pushed;
        report.seconds += seconds(pushStarted);
      }
    }
  };
  const [longestMirrorTask, ...otherMirrorTasks] = mirrorTasks;
  const tasks = [registryTask, longestMirrorTask, debianTask, sandboxTask, ...otherMirrorTasks].filter(
    (task): task is () => Promise<void> => task !== undefined,
  );

  try {
    await runPool(tasks, PARALLEL_BUILDS);
  } catch (error) {
    registryReject(error);
    throw error;
  }
  const registry = await registryReady;
  const total = seconds(startedAll);
  for (const line of summaryLines(reports, total)) log(line);
  return { images: reports, registry, seconds: total };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => arg !== '--force');
  if (unknown.length > 0) {
    console.error(`[images] option inconnue : ${unknown.join(' ')}\nUsage : node server/images/build.ts [--force]`);
    process.exitCode = 2;
    return;
  }
  try {
    await buildImages({ log: (line) => console.log(line), force: args.includes('--force') });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`[images] échec : ${message}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
