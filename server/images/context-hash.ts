// Content hash of a Docker build: the files of its context, its Dockerfile and the id of its
// base image. Stored as a label on the image, it tells whether a rebuild is needed.
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/** Bump to rebuild every image after a change of the builder's own recipe. */
export const HASH_FORMAT = 'cours-docker-images/1';

async function listFiles(root: string, dir: string = root): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(root, path)));
    else files.push(relative(root, path).split(sep).join('/'));
  }
  return files;
}

/**
 * Hashes `files` (paths relative to `contextDir`; every file of it when omitted), with
 * their executable bit, and the `extra` strings (Dockerfile path, base image id...).
 */
export async function hashBuildContext(
  contextDir: string,
  options: { files?: string[]; extra: string[] },
): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`${HASH_FORMAT}\0`);
  for (const item of options.extra) hash.update(`${item}\0`);
  const files = [...(options.files ?? (await listFiles(contextDir)))].sort();
  for (const file of files) {
    const path = join(contextDir, file);
    const info = await lstat(path);
    hash.update(`${file}\0${info.mode & 0o111 ? 'x' : '-'}\0`);
    hash.update(info.isSymbolicLink() ? `-> ${await readlink(path)}` : await readFile(path));
    hash.update('\0');
  }
  return hash.digest('hex');
}
