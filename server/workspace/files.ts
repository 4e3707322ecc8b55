// Files of a student's sandbox, for the editor and for files in and out: the tree of /root, a
// file read for editing (text, 1 MB at most, with its SHA-256 as ETag), a file or folder
// streamed out (a folder as a tar), a file written (refused when it changed since it was read).
// Paths stay in /root and /tmp of the sandbox, symbolic links resolved in the sandbox itself.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { SandboxDriver } from '../sandbox/driver.ts';

export const allowedRoots = ['/root', '/tmp'];
/** Largest file the editor opens. */
export const maxEditBytes = 1024 * 1024;
/** Largest upload. */
export const maxUploadBytes = 50 * 1024 * 1024;
const maxTreeEntries = 2000;
const treeDepth = 6;

export type FileRefusal =
  'outside' | 'invalid' | 'missing' | 'folder' | 'too-big' | 'binary' | 'changed' | 'exists' | 'full';

export class FileRefusedError extends Error {
  override name = 'FileRefusedError';
  readonly reason: FileRefusal;
  readonly path: string;
  constructor(reason: FileRefusal, filePath: string) {
    super(`${reason}: ${filePath.slice(0, 200)}`);
    this.reason = reason;
    this.path = filePath;
  }
}

export interface TreeEntry {
  path: string;
  type: 'file' | 'dir' | 'link';
  size: number;
  mtime: string;
}

function etagOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function within(candidate: string): boolean {
  return allowedRoots.some((root) => candidate === root || candidate.startsWith(root + '/'));
}

/** The absolute path a request names, refused when it leaves the allowed folders. */
export function requestedPath(raw: string): string {
  const absolute = '/' + raw.replace(/^\/+/, '');
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (absolute.length > 1024 || /[\u0000-\u001f]/.test(absolute)) throw new FileRefusedError('invalid', raw);
  if (absolute.split('/').includes('..')) throw new FileRefusedError('outside', raw);
  const normalised = path.posix.normalize(absolute).replace(/\/+$/, '') || '/';
  if (!within(normalised)) throw new FileRefusedError('outside', raw);
  return normalised;
}

export class SandboxFiles {
  private readonly driver: SandboxDriver;

  constructor(driver: SandboxDriver) {
    this.driver = driver;
  }

  /** The path with its symbolic links resolved in the sandbox: it must still be in the allowed folders. */
  private async resolve(sessionId: string, raw: string): Promise<string> {
    const wanted = requestedPath(raw);
    const result = await this.driver.exec(sessionId, ['realpath', '-m', '--', wanted], { timeoutMs: 10_000 });
    const real = result.stdout.trim();
    if (result.exitCode !== 0 || !within(real)) throw new FileRefusedError('outside', raw);
    return real;
  }

  private async stat(sessionId: string, file: string): Promise<{ type: string; size: number } | undefined> {
    const result = await this.driver.exec(sessionId, ['stat', '-c', '%F\t%s', '--', file], { timeoutMs: 10_000 });
    if (result.exitCode !== 0) return undefined;
    const [type = '', size = '0'] = result.stdout.trim().split('\t');
    return { type, size: Number(size) };
  }

  /** What is under a folder, 6 levels deep, hidden folders left out (hidden files kept: .dockerignore). */
  async tree(sessionId: string, raw = '/root'): Promise<{ root: string; entries: TreeEntry[]; truncated: boolean }> {
    const root = await this.resolve(sessionId, raw);
    const result = await this.driver.exec(
      sessionId,
      [
        'find',
        root,
        '-mindepth',
        '1',
        '-maxdepth',
        String(treeDepth),
        '(',
        '-type',
        'd',
        '-name',
        '.*',
        '-prune',
        ')',
        '-o',
        '-printf',
        '%y\\t%s\\t%T@\\t%p\\n',
      ],
      { timeoutMs: 20_000, maxOutputBytes: 4 * 1024 * 1024 },
    );
    if (result.exitCode !== 0 && result.stdout === '') throw new FileRefusedError('missing', raw);
    const lines = result.stdout.split('\n').filter(Boolean);
    const entries = lines.slice(0, maxTreeEntries).flatMap((line): TreeEntry[] => {
      const [kind = '', size = '0', mtime = '0', ...rest] = line.split('\t');
      const entryPath = rest.join('\t');
      const type = kind === 'd' ? 'dir' : kind === 'l' ? 'link' : kind === 'f' ? 'file' : undefined;
      if (!type || !entryPath) return [];
      return [{ path: entryPath, type, size: Number(size), mtime: new Date(Number(mtime) * 1000).toISOString() }];
    });
    entries.sort((a, b) => a.path.localeCompare(b.path));
    return { root, entries, truncated: lines.length > maxTreeEntries };
  }

  /** A text file for the editor, with its ETag. */
  async readForEdit(sessionId: string, raw: string): Promise<{ bytes: Buffer; etag: string }> {
    const file = await this.resolve(sessionId, raw);
    const info = await this.stat(sessionId, file);
    if (!info) throw new FileRefusedError('missing', raw);
    if (info.type === 'directory') throw new FileRefusedError('folder', raw);
    if (info.size > maxEditBytes) throw new FileRefusedError('too-big', raw);
    const result = await this.driver.exec(sessionId, ['base64', '-w0', '--', file], {
      timeoutMs: 20_000,
      maxOutputBytes: 2 * maxEditBytes,
    });
    if (result.exitCode !== 0) throw new FileRefusedError('missing', raw);
    const bytes = Buffer.from(result.stdout.trim(), 'base64');
    if (bytes.includes(0) || !isUtf8(bytes)) throw new FileRefusedError('binary', raw);
    return { bytes, etag: etagOf(bytes) };
  }

  /** A file, or a folder as a tar, streamed out of the sandbox. */
  async download(
    sessionId: string,
    raw: string,
  ): Promise<{ stream: Readable; name: string; folder: boolean; size?: number; cancel(): void }> {
    const file = await this.resolve(sessionId, raw);
    const info = await this.stat(sessionId, file);
    if (!info) throw new FileRefusedError('missing', raw);
    const folder = info.type === 'directory';
    const name = path.posix.basename(file) || 'racine';
    const command = folder ? ['tar', '-C', path.posix.dirname(file), '-cf', '-', '--', name] : ['cat', '--', file];
    const exec = await this.driver.execStream(sessionId, command, { timeoutMs: 10 * 60 * 1000 });
    return {
      stream: exec.output,
      name: folder ? `${name}.tar` : name,
      folder,
      ...(folder ? {} : { size: info.size }),
      cancel: () => exec.cancel(),
    };
  }

  /**
   * Writes a file (its folders made if need be); with `ifMatch`, only if it is still what was
   * read; with `createOnly` (If-None-Match: *), only if it does not exist yet.
   */
  async write(
    sessionId: string,
    raw: string,
    bytes: Buffer,
    ifMatch?: string,
    createOnly = false,
  ): Promise<{ etag: string }> {
    const file = await this.resolve(sessionId, raw);
    if (createOnly && (await this.stat(sessionId, file))) throw new FileRefusedError('exists', raw);
    if (ifMatch !== undefined) {
      const current = await this.driver.exec(sessionId, ['sha256sum', '--', file], { timeoutMs: 20_000 });
      const hash = current.stdout.split(' ')[0] ?? '';
      if (current.exitCode !== 0 || hash !== ifMatch.replace(/^W\//, '').replace(/"/g, '')) {
        throw new FileRefusedError('changed', raw);
      }
    }
    const info = await this.stat(sessionId, file);
    if (info?.type === 'directory') throw new FileRefusedError('folder', raw);
    const result = await this.driver.exec(
      sessionId,
      ['sh', '-c', 'mkdir -p -- "$(dirname -- "$1")" && cat > "$1"', 'sh', file],
      { stdin: bytes, timeoutMs: 60_000 },
    );
    if (result.exitCode !== 0) {
      if (/No space left/i.test(result.stderr)) throw new FileRefusedError('full', raw);
      throw new FileRefusedError('invalid', raw);
    }
    return { etag: etagOf(bytes) };
  }
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
