// The Debian base images every other image starts from, for each release the course uses
// (bookworm, trixie): debian:<suite> (pulled when a registry answers, else made with
// debootstrap from the host's Debian mirror and imported) and debian:<suite>-slim (derived
// from it like Debian's own slim variant).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { docker, inspectImage, run, tailLines } from './docker-cli.ts';
import { ImagesError } from './images-error.ts';

/** A Debian release the course's images start from. */
export interface DebianRelease {
  suite: 'bookworm' | 'trixie';
  version: '12' | '13';
  /** debian:<suite> */
  image: string;
  /** debian:<suite>-slim */
  slimImage: string;
}

function release(suite: DebianRelease['suite'], version: DebianRelease['version']): DebianRelease {
  return { suite, version, image: `debian:${suite}`, slimImage: `debian:${suite}-slim` };
}

/** Debian 12, which the TPs and the deck's examples use. */
export const BOOKWORM = release('bookworm', '12');
/** Debian 13, which the sandbox runs (Docker 26, BuildKit). */
export const TRIXIE = release('trixie', '13');
export const DEBIAN_RELEASES: readonly DebianRelease[] = [BOOKWORM, TRIXIE];

const BASE_DIR = import.meta.dirname + '/base';
const PULL_TIMEOUT_MS = 20_000;
const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const DEFAULT_MIRRORS = {
  main: 'http://deb.debian.org/debian',
  security: 'http://deb.debian.org/debian-security',
};

export interface BaseOptions {
  cacheDir: string;
  force: boolean;
  log: (line: string) => void;
}

/** pulled: from a registry; imported: made with debootstrap; loaded: from the cache. */
export type BaseStatus = 'up-to-date' | 'pulled' | 'imported' | 'loaded';

export interface DebianMirrors {
  main: string;
  security: string;
}

/**
 * The Debian mirrors the host's APT uses (deb822 `.sources` files or `sources.list`), so
 * images reach the same mirror; DEBIAN_MIRROR and DEBIAN_SECURITY_MIRROR override them.
 */
export async function readHostMirrors(): Promise<DebianMirrors> {
  const mirrors: Partial<DebianMirrors> = {};
  const texts: string[] = [];
  const sourcesDir = '/etc/apt/sources.list.d';
  try {
    for (const name of (await readdir(sourcesDir)).sort()) {
      if (name.endsWith('.sources')) texts.push(await readFile(join(sourcesDir, name), 'utf8'));
    }
  } catch {
    // No sources directory: only sources.list, or no APT at all.
  }
  const stanzas: { uris: string[]; suites: string[] }[] = [];
  for (const text of texts) {
    for (const block of text.split(/\n\s*\n/)) {
      const field = (name: string): string[] =>
        new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(block)?.[1]?.trim().split(/\s+/) ?? [];
      stanzas.push({ uris: field('URIs'), suites: field('Suites') });
    }
  }
  try {
    for (const line of (await readFile('/etc/apt/sources.list', 'utf8')).split('\n')) {
      const match = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
      if (match?.[1] && match[2]) stanzas.push({ uris: [match[1]], suites: [match[2]] });
    }
  } catch {
    // No sources.list.
  }
  for (const { uris, suites } of stanzas) {
    const uri = uris.find((candidate) => /^https?:\/\/\S*debian/.test(candidate));
    if (!uri) continue;
    if (suites.some((suite) => suite.endsWith('-security'))) mirrors.security ??= uri;
    else mirrors.main ??= uri;
  }
  return {
    main: process.env.DEBIAN_MIRROR ?? mirrors.main ?? DEFAULT_MIRRORS.main,
    security: process.env.DEBIAN_SECURITY_MIRROR ?? mirrors.security ?? DEFAULT_MIRRORS.security,
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Removes a scratch root tree, first detaching anything a killed debootstrap left mounted. */
async function removeTree(dir: string): Promise<void> {
  if (!(await exists(dir))) return;
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const mounts = mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4]?.replace(/\\040/g, ' ') ?? '')
    .filter((mountpoint) => mountpoint.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length);
  for (const mountpoint of mounts) await run('umount', ['-l', mountpoint]);
  await run('rm', ['-rf', '--one-file-system', dir]);
}

async function tryPull(ref: string, log: (line: string) => void): Promise<boolean> {
  log(`[images] ${ref} : essai de téléchargement depuis le Docker Hub (${PULL_TIMEOUT_MS / 1000} s max)`);
  const result = await docker(['pull', '-q', ref], { timeoutMs: PULL_TIMEOUT_MS });
  return result.code === 0;
}

function checkRoot(release: DebianRelease): void {
  if (process.getuid && process.getuid() !== 0) {
    throw new ImagesError(
      "Créer l'image Debian avec debootstrap demande les droits root : relancez en root (sudo), " +
        `ou fournissez une image ${release.image} au moteur Docker (docker load ou docker pull).`,
    );
  }
}

async function checkDebootstrap(): Promise<void> {
  const result = await run('debootstrap', ['--version']);
  if (result.code === 127) {
    throw new ImagesError(
      'debootstrap est introuvable : installez-le avec « apt-get install debootstrap », ' +
        'puis relancez la construction des images.',
    );
  }
}

/** Names the cached base by what makes it: the mirrors and the preparation script. */
async function baseCacheKey(mirrors: DebianMirrors): Promise<string> {
  return createHash('sha256')
    .update(`${mirrors.main}\0${mirrors.security}\0`)
    .update(await readFile(join(BASE_DIR, 'prepare-rootfs.sh')))
    .digest('hex')
    .slice(0, 12);
}

/** Runs debootstrap and the container tweaks, and writes the root tree to `tarball`. */
async function bootstrapRootfs(
  options: BaseOptions,
  release: DebianRelease,
  mirrors: DebianMirrors,
  tarball: string,
): Promise<void> {
  await checkDebootstrap();
  checkRoot(release);
  const rootfs = join(options.cacheDir, `debootstrap-rootfs-${release.suite}`);
  const logFile = join(options.cacheDir, 'logs', `debian-${release.suite}.log`);
  await removeTree(rootfs);
  await writeFile(logFile, '');
  options.log(
    `[images] ${release.image} : debootstrap --variant=minbase ${release.suite} depuis ${mirrors.main} (environ 1 min)`,
  );
  const bootstrap = await run('debootstrap', ['--variant=minbase', release.suite, rootfs, mirrors.main], {
    logFile,
    timeoutMs: 20 * 60_000,
  });
  if (bootstrap.code !== 0) {
    await removeTree(rootfs);
    throw new ImagesError(
      `debootstrap a échoué (code ${bootstrap.code}) : le miroir Debian ${mirrors.main} est-il joignable ?`,
      { logTail: await readTail(logFile), logFile },
    );
  }
  const prepareScript = join(BASE_DIR, 'prepare-rootfs.sh');
  const prepare = await run('sh', [prepareScript, rootfs, mirrors.main, mirrors.security], { logFile });
  if (prepare.code !== 0) {
    await removeTree(rootfs);
    throw new ImagesError("La préparation de l'arborescence Debian a échoué.", {
      logTail: tailLines(prepare.stderr, 20),
      logFile,
    });
  }
  const tar = await run('tar', ['--numeric-owner', '-C', rootfs, '-cf', tarball, '.'], { logFile });
  await removeTree(rootfs);
  if (tar.code !== 0) {
    await rm(tarball, { force: true });
    throw new ImagesError("L'archivage de l'arborescence Debian a échoué.", {
      logTail: tailLines(tar.stderr, 20),
      logFile,
    });
  }
}

async function readTail(file: string): Promise<string> {
  return tailLines(await readFile(file, 'utf8').catch(() => ''), 20);
}

/** Checks that APT inside the new image reaches the mirror, so later builds can install. */
async function checkApt(options: BaseOptions, release: DebianRelease): Promise<void> {
  const result = await docker(['run', '--rm', release.image, 'apt-get', '-q', 'update'], {
    timeoutMs: 120_000,
  });
  if (result.code !== 0) {
    options.log(
      `[images] attention : « apt-get update » échoue dans ${release.image} ; les constructions suivantes ` +
        `ne pourront pas installer de paquets.\n${tailLines(result.stdout + result.stderr, 8)}`,
    );
  }
}

/**
 * Makes sure debian:<suite> exists on the engine. A debootstrapped base is kept in the cache
 * as a `docker save` archive: loading it again gives the same image id, so the images built
 * on it stay up to date.
 */
export async function ensureDebianBase(options: BaseOptions, release: DebianRelease): Promise<BaseStatus> {
  const image = release.image;
  if (!options.force && (await inspectImage(image))) return 'up-to-date';
  if (await tryPull(image, options.log)) return 'pulled';
  options.log(`[images] ${image} : pas de registre joignable`);
  const mirrors = await readHostMirrors();
  const key = await baseCacheKey(mirrors);
  const saved = join(options.cacheDir, `debian-${release.suite}-${key}.image.tar`);
  if (await exists(saved)) {
    options.log(`[images] ${image} : reprise du cache (${saved})`);
    const loaded = await docker(['load', '-q', '-i', saved]);
    if (loaded.code === 0 && (await inspectImage(image))) return 'loaded';
    options.log(`[images] ${image} : cache illisible, il est refait`);
    await rm(saved, { force: true });
  }

  const rootfsTar = join(options.cacheDir, `debian-${release.suite}-${key}.rootfs.tar`);
  await bootstrapRootfs(options, release, mirrors, rootfsTar);
  const imported = await docker(
    [
      'import',
      '--change',
      'CMD ["bash"]',
      '--change',
      `ENV ${PATH_ENV}`,
      '--change',
      'LABEL cours-docker.base=debootstrap',
      '-',
      image,
    ],
    { input: createReadStream(rootfsTar) },
  );
  await rm(rootfsTar, { force: true });
  if (imported.code !== 0) {
    throw new ImagesError(`L'import de ${image} dans le moteur Docker a échoué.`, {
      logTail: tailLines(imported.stderr, 20),
    });
  }
  const partial = `${saved}.partial`;
  const save = await docker(['save', '-o', partial, image]);
  if (save.code === 0) {
    await rename(partial, saved);
    // Bases saved under an older key (other mirrors, an older prepare-rootfs.sh) are not
    // loaded any more: remove them rather than keep 120 MB each.
    for (const name of await readdir(options.cacheDir).catch(() => [])) {
      if (
        name.startsWith(`debian-${release.suite}-`) &&
        name.endsWith('.image.tar') &&
        join(options.cacheDir, name) !== saved
      ) {
        await rm(join(options.cacheDir, name), { force: true });
      }
    }
  } else {
    await rm(partial, { force: true });
    options.log(`[images] attention : ${image} n'a pas pu être mise en cache (${tailLines(save.stderr, 1)})`);
  }
  await checkApt(options, release);
  return 'imported';
}

/**
 * Makes sure debian:<suite>-slim exists and derives from the current debian:<suite>:
 * pulled along with a pulled base, else the base's files minus documentation, manual pages
 * and translations, with dpkg told to keep them out (see base/slimify.sh).
 */
export async function ensureDebianSlim(
  options: BaseOptions,
  release: DebianRelease,
  baseStatus: BaseStatus,
): Promise<'up-to-date' | 'pulled' | 'built'> {
  const { image: baseImage, slimImage } = release;
  const base = await inspectImage(baseImage);
  if (!base) throw new ImagesError(`L'image ${baseImage} a disparu du moteur Docker.`);
  const slimScript = join(BASE_DIR, 'slimify.sh');
  const hash = createHash('sha256')
    .update(`slim\0${base.id}\0`)
    .update(await readFile(slimScript))
    .digest('hex');
  const current = await inspectImage(slimImage);
  if (!options.force && current) {
    // A slim image that came from a registry with a pulled base is kept as it is.
    if (current.labels['cours-docker.hash'] === hash) return 'up-to-date';
    if (!current.labels['cours-docker.hash'] && !base.labels['cours-docker.base']) return 'up-to-date';
  }
  if (baseStatus === 'pulled' && (await tryPull(slimImage, options.log))) return 'pulled';

  const rootfs = join(options.cacheDir, `slim-rootfs-${release.suite}`);
  const logFile = join(options.cacheDir, 'logs', `debian-${release.suite}-slim.log`);
  await removeTree(rootfs);
  await mkdir(rootfs, { recursive: true });
  await writeFile(logFile, '');
  const created = await docker(['create', baseImage]);
  const containerId = created.stdout.trim();
  if (created.code !== 0 || !containerId) {
    throw new ImagesError(`Impossible de créer un conteneur depuis ${baseImage}.`, {
      logTail: tailLines(created.stderr, 10),
    });
  }
  try {
    const script = [
      'set -eo pipefail',
      'docker export "$1" | tar --numeric-owner -C "$2" -xf -',
      // The engine's per-container files are not part of the image.
      'rm -rf "$2/.dockerenv" "$2"/dev/*',
      ': > "$2/etc/hostname"; : > "$2/etc/resolv.conf"',
      'printf \'127.0.0.1\\tlocalhost\\n::1\\tlocalhost ip6-localhost ip6-loopback\\n\' > "$2/etc/hosts"',
      'sh "$3" "$2"',
      'tar --numeric-owner -C "$2" -cf - . | docker import --change \'CMD ["bash"]\' ' +
        '--change "ENV $4" --change "LABEL cours-docker.hash=$5" - "$6"',
    ].join('\n');
    const result = await run(
      'bash',
      ['-c', script, 'slim', containerId, rootfs, slimScript, PATH_ENV, hash, slimImage],
      { logFile },
    );
    if (result.code !== 0) {
      throw new ImagesError(`La fabrication de ${slimImage} a échoué.`, {
        logTail: tailLines(result.stderr, 20),
        logFile,
      });
    }
  } finally {
    await docker(['rm', '-f', containerId]);
    await removeTree(rootfs);
  }
  return 'built';
}
