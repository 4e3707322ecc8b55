// What the image builder makes: the sandbox image, the course registry's image, and the
// images preloaded into the course registry for `docker pull` inside sandboxes.
import { join, resolve } from 'node:path';
import { REGISTRY_IMAGE } from './course-registry.ts';
import { BOOKWORM, DEBIAN_RELEASES, TRIXIE } from './debian-base.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const SANDBOX_IMAGE = 'cours-docker/sandbox:latest';
/** Host repository prefix of the preloaded images, e.g. cours-docker/mirror/nginx:latest. */
export const MIRROR_PREFIX = 'cours-docker/mirror';

export interface BuildSpec {
  /** Name shown in progress lines and in the summary. */
  label: string;
  contextDir: string;
  dockerfile: string;
  /** The Debian base its Dockerfile starts FROM: its id is part of the content hash. */
  base: string;
  /** Files of the context that make up the hash (relative); every file when omitted. */
  hashFiles?: string[];
  /** Host tags; the first one carries the hash label checked on the next run. */
  tags: string[];
  /** Where it goes in the course registry: library/<name>:<tag> for each tag. */
  push?: { name: string; tags: string[] };
}

/** An image already on the host that only needs pushing (the Debian bases). */
export interface PushSpec {
  source: string;
  name: string;
  tags: string[];
}

export interface MirrorImage {
  /** Repository in the course registry (library/<name>). */
  name: string;
  /** Folder of its build context under server/registry/images/ (default: name). */
  dir?: string;
  base: string;
  tags: string[];
}

/** Preloaded images built from server/registry/images/<dir>/, with their registry tags,
 * longest build first (it starts first). */
export const MIRROR_IMAGES: MirrorImage[] = [
  { name: 'golang', base: TRIXIE.image, tags: ['1.24', '1.24-trixie', 'trixie', 'latest'] },
  { name: 'golang', dir: 'golang-bookworm', base: BOOKWORM.image, tags: ['1.19', '1.19-bookworm', 'bookworm'] },
  { name: 'mariadb', base: BOOKWORM.image, tags: ['10.11', 'latest'] },
  { name: 'httpd', base: BOOKWORM.image, tags: ['2.4', 'latest'] },
  { name: 'nginx', base: BOOKWORM.image, tags: ['latest'] },
  { name: 'registry', base: BOOKWORM.image, tags: ['2', 'latest'] },
  { name: 'hello-world', base: BOOKWORM.image, tags: ['latest'] },
];

/** debian:<suite>, <version>, <suite>-slim, <version>-slim for each release; no `latest`. */
export const DEBIAN_PUSHES: PushSpec[] = DEBIAN_RELEASES.flatMap((release) => [
  { source: release.image, name: 'debian', tags: [release.suite, release.version] },
  { source: release.slimImage, name: 'debian', tags: [`${release.suite}-slim`, `${release.version}-slim`] },
]);

export const REGISTRY_BUILD: BuildSpec = {
  label: 'cours-docker/registry',
  contextDir: join(REPO_ROOT, 'server/registry'),
  dockerfile: join(REPO_ROOT, 'server/registry/Dockerfile'),
  base: BOOKWORM.image,
  hashFiles: [
    'Dockerfile',
    '.dockerignore',
    'config.yml',
    'config-readonly.yml',
    'mirror-nginx.conf',
    'mirror-entrypoint',
  ],
  tags: [REGISTRY_IMAGE],
};

export const SANDBOX_BUILD: BuildSpec = {
  label: 'cours-docker/sandbox',
  contextDir: join(REPO_ROOT, 'server/sandbox/image'),
  dockerfile: join(REPO_ROOT, 'server/sandbox/image/Dockerfile'),
  base: TRIXIE.image,
  tags: [SANDBOX_IMAGE],
};

export function mirrorBuild({ name, dir, base, tags }: MirrorImage): BuildSpec {
  const contextDir = join(REPO_ROOT, 'server/registry/images', dir ?? name);
  return {
    label: dir ?? name,
    contextDir,
    dockerfile: join(contextDir, 'Dockerfile'),
    base,
    tags: tags.map((tag) => `${MIRROR_PREFIX}/${name}:${tag}`),
    push: { name, tags },
  };
}
