// What the image builder makes: the sandbox image, the course registry's image, and the
// images preloaded into the course registry for `docker pull` inside sandboxes.
import { join, resolve } from 'node:path';
import { REGISTRY_IMAGE } from './course-registry.ts';
import { DEBIAN_IMAGE, DEBIAN_SLIM_IMAGE } from './debian-base.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const SANDBOX_IMAGE = 'cours-docker/sandbox:latest';
/** Host repository prefix of the preloaded images, e.g. cours-docker/mirror/nginx:latest. */
export const MIRROR_PREFIX = 'cours-docker/mirror';

export interface BuildSpec {
  /** Name shown in progress lines and in the summary. */
  label: string;
  contextDir: string;
  dockerfile: string;
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

/** Preloaded images built from server/registry/images/<name>/, with their registry tags,
 * longest build first (it starts first). */
export const MIRROR_IMAGES: { name: string; tags: string[] }[] = [
  { name: 'golang', tags: ['1.19', 'bookworm', 'latest'] },
  { name: 'mariadb', tags: ['10.11', 'latest'] },
  { name: 'httpd', tags: ['2.4', 'latest'] },
  { name: 'nginx', tags: ['latest'] },
  { name: 'registry', tags: ['2', 'latest'] },
  { name: 'hello-world', tags: ['latest'] },
];

export const DEBIAN_PUSHES: PushSpec[] = [
  { source: DEBIAN_IMAGE, name: 'debian', tags: ['bookworm', '12'] },
  { source: DEBIAN_SLIM_IMAGE, name: 'debian', tags: ['bookworm-slim', '12-slim'] },
];

export const REGISTRY_BUILD: BuildSpec = {
  label: 'cours-docker/registry',
  contextDir: join(REPO_ROOT, 'server/registry'),
  dockerfile: join(REPO_ROOT, 'server/registry/Dockerfile'),
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
  tags: [SANDBOX_IMAGE],
};

export function mirrorBuild(name: string, tags: string[]): BuildSpec {
  const contextDir = join(REPO_ROOT, 'server/registry/images', name);
  return {
    label: name,
    contextDir,
    dockerfile: join(contextDir, 'Dockerfile'),
    tags: tags.map((tag) => `${MIRROR_PREFIX}/${name}:${tag}`),
    push: { name, tags },
  };
}
