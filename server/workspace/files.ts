// Files of a student's sandbox, for the editor and for files in and out: the tree of /root, a
// file read for editing (text, 1 MB at most, with its SHA-256 as ETag), a file or folder
// streamed out (a folder as a tar), a file written (refused when it changed since it was read).
// Paths stay in /root and /tmp of the sandbox, symbolic links resolved in the sandbox itself.
// Every read stops at a size and a deadline (a file that never ends is cut, not waited for), and
// uploads stream into the sandbox with backpressure, never whole in the server's memory.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { finished, Transform, type Readable } from 'node:stream';
import type { SandboxDriver } from '../sandbox/driver.ts';

export const allowedRoots = ['/root', '/tmp'];
/** Largest file the editor opens. */
export const maxEditBytes = 1024 * 1024;
/** Largest upload. */
export const maxUploadBytes = 50 * 1024 * 1024;
/**
 * Largest download: 2 GiB, more than /root (SANDBOX_HOME, 512 MB by default) and /tmp (128 MB)
 * hold; only a sparse file's apparent size goes past it, and its zeros are not worth streaming.
 */
export const maxDownloadBytes = 2 * 1024 ** 3;
/**
 * Deadline of a download or an upload: ten minutes, 2 GiB at 3.5 MB/s or 50 MB at 85 kB/s; the
 * command is killed then, so a client that stops reading does not hold its stream for longer.
 */
export const transferTimeoutMs = 10 * 60 * 1000;
/** Deadline of the short reads (the tree, a file for the editor): ample for tmpfs, cut past it. */
const readTimeoutMs = 10_000;
const maxTreeEntries = 2000;
/** Bytes of `find` output read for the tree: 2000 entries of paths up to 2 KB fit. */
const maxTreeBytes = 4 * 1024 * 1024;
const treeDepth = 6;

export type FileRefusal =
  'outside' | 'invalid' | 'missing' | 'folder' | 'special' | 'too-big' | 'binary' | 'changed' | 'exists' | 'full';

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

  private async stat(
    sessionId: string,
    file: string,
  ): Promise<{ type: 'file' | 'directory' | 'special'; size: number } | undefined> {
    const result = await this.driver.exec(sessionId, ['stat', '-c', '%F\t%s', '--', file], { timeoutMs: 10_000 });
    if (result.exitCode !== 0) return undefined;
    const [type = '', size = '0'] = result.stdout.trim().split('\t');
    // Named pipes, devices and sockets are never read: a pipe's read waits for a writer forever.
    const kind = type === 'directory' ? 'directory' : type.startsWith('regular') ? 'file' : 'special';
    return { type: kind, size: Number(size) };
  }

  /** What is under a folder, 6 levels deep, hidden folders left out (hidden files kept: .dockerignore). */
  async tree(sessionId: string, raw = '/root'): Promise<{ root: string; entries: TreeEntry[]; truncated: boolean }> {
    const root = await this.resolve(sessionId, raw);
    const result = await this.driver.exec(
      sessionId,
      [
        // Cut at the bytes kept: find ends there (SIGPIPE) rather than walk a huge folder to the end.
        'bash',
        '-o',
        'pipefail',
        '-c',
        'find "$@" | head -c ' + String(maxTreeBytes),
        'bash',
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
      { timeoutMs: readTimeoutMs, maxOutputBytes: maxTreeBytes },
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
    if (info.type === 'special') throw new FileRefusedError('special', raw);
    if (info.size > maxEditBytes) throw new FileRefusedError('too-big', raw);
    // One byte past the bound at most, whatever the file became since its stat (it grows, it
    // was swapped for a pipe: the deadline ends that read).
    const result = await this.driver.exec(
      sessionId,
      ['bash', '-o', 'pipefail', '-c', 'head -c "$1" -- "$2" | base64 -w0', 'bash', String(maxEditBytes + 1), file],
      { timeoutMs: readTimeoutMs, maxOutputBytes: 2 * maxEditBytes },
    );
    if (result.exitCode !== 0) throw new FileRefusedError('missing', raw);
    const bytes = Buffer.from(result.stdout.trim(), 'base64');
    if (bytes.length > maxEditBytes) throw new FileRefusedError('too-big', raw);
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
    if (info.type === 'special') throw new FileRefusedError('special', raw);
    const folder = info.type === 'directory';
    if (!folder && info.size > maxDownloadBytes) throw new FileRefusedError('too-big', raw);
    const name = path.posix.basename(file) || 'racine';
    // A file is read up to the size announced (Content-Length), even if it grows meanwhile.
    const command = folder
      ? ['tar', '-C', path.posix.dirname(file), '-cf', '-', '--', name]
      : ['head', '-c', String(info.size), '--', file];
    const exec = await this.driver.execStream(sessionId, command, { timeoutMs: transferTimeoutMs });
    return {
      stream: folder ? cutAt(exec.output, maxDownloadBytes, () => exec.cancel()) : exec.output,
      name: folder ? `${name}.tar` : name,
      folder,
      ...(folder ? {} : { size: info.size }),
      cancel: () => exec.cancel(),
    };
  }

  /**
   * Writes a file (its folders made if need be) from a stream of `size` bytes, piped into the
   * sandbox with backpressure; with `ifMatch`, only if it is still what was read; with
   * `createOnly` (If-None-Match: *), only if it does not exist yet. The bytes land in a
   * temporary file next to it, renamed over it once they all came and the condition still
   * holds: an upload cut short never leaves a truncated file. The ETag is hashed on the way.
   */
  async write(
    sessionId: string,
    raw: string,
    body: Readable,
    size: number,
    ifMatch?: string,
    createOnly = false,
  ): Promise<{ etag: string; size: number }> {
    const file = await this.resolve(sessionId, raw);
    const wanted = ifMatch?.replace(/^W\//, '').replace(/"/g, '');
    if (wanted !== undefined && !/^[a-f0-9]{64}$/.test(wanted)) throw new FileRefusedError('changed', raw);
    const hash = createHash('sha256');
    let seen = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        seen += chunk.length;
        // HTTP framing stops at Content-Length; this holds whatever stream is given.
        if (seen > size) return callback(new FileRefusedError('too-big', raw));
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    // Also when the client went away before this point (the request is closed already).
    finished(body, { writable: false }, (error) => {
      if (error) counted.destroy(new Error('upload cut short', { cause: error }));
    });
    body.pipe(counted);
    let result;
    try {
      result = await this.driver.exec(
        sessionId,
        [
          'bash',
          '-c',
          writeScript,
          'bash',
          file,
          String(size),
          createOnly ? 'create' : wanted ? 'match' : 'any',
          wanted ?? '',
        ],
        { stdin: counted, timeoutMs: transferTimeoutMs },
      );
    } finally {
      // Refused before the end (the file changed meanwhile, say): the rest is not read here.
      if (!body.readableEnded) {
        body.unpipe(counted);
        counted.destroy();
      }
    }
    const refusal = writeRefusals[result.exitCode];
    if (refusal) throw new FileRefusedError(refusal, raw);
    if (/No space left/i.test(result.stderr)) throw new FileRefusedError('full', raw);
    if (result.exitCode !== 0 || seen !== size) throw new FileRefusedError('invalid', raw);
    return { etag: hash.digest('hex'), size };
  }
}

/**
 * Writes $1 from exactly $2 bytes of stdin if its condition $3 holds (create: it does not
 * exist; match: its SHA-256 is $4; any), checked before the bytes are read (a refusal answers
 * at once) and again before the rename; exit codes are writeRefusals'.
 */
const writeScript = `
f=$1 size=$2 mode=$3 want=$4
check() {
  if [ -d "$f" ]; then exit 10; fi
  case $mode in
    create) if [ -e "$f" ] || [ -L "$f" ]; then exit 11; fi ;;
    match) if ! [ -f "$f" ] || [ "$(sha256sum < "$f" | cut -c1-64)" != "$want" ]; then exit 12; fi ;;
  esac
}
check
dir=$(dirname -- "$f")
mkdir -p -- "$dir" || exit 13
tmp=$(mktemp -p "$dir" .envoi.XXXXXX) || exit 13
trap 'rm -f -- "$tmp"' EXIT
head -c "$size" > "$tmp" || exit 14
[ "$(stat -c %s -- "$tmp")" = "$size" ] || exit 15
check
if [ -e "$f" ]; then chmod --reference="$f" -- "$tmp"; else chmod 644 -- "$tmp"; fi
mv -f -- "$tmp" "$f" || exit 13
trap - EXIT
`;

const writeRefusals: Record<number, FileRefusal> = { 10: 'folder', 11: 'exists', 12: 'changed', 14: 'full' };

/** `input`'s first `limit` bytes: past them the stream ends and `cut` is called (the command is killed). */
function cutAt(input: Readable, limit: number, cut: () => void): Readable {
  let seen = 0;
  const cutter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (seen >= limit) return callback();
      const kept = chunk.subarray(0, limit - seen);
      seen += chunk.length;
      this.push(kept);
      if (seen >= limit) {
        cut();
        this.push(null);
      }
      callback();
    },
  });
  input.pipe(cutter);
  // The command's stream closing once cut is expected: the bytes kept are still sent.
  input.once('close', () => {
    if (!input.readableEnded && seen < limit) cutter.destroy(input.errored ?? new Error('download cut short'));
  });
  return cutter;
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
