// Runs external commands for the image builder (mostly the docker CLI): captured output,
// optional log file, stdin from a stream or a string, and a timeout.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import type { Readable } from 'node:stream';

export interface RunOptions {
  /** Data written to the command's standard input. */
  input?: Readable | string;
  /** Kill the command after this many milliseconds. */
  timeoutMs?: number;
  /** Extra environment variables, over the current ones. */
  env?: Record<string, string>;
  /** Append stdout and stderr to this file as they come. */
  logFile?: string;
  cwd?: string;
}

export interface RunResult {
  /** Exit code; 127 when the command could not start, -1 when killed by the timeout. */
  code: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Output kept in memory per stream; builds print a lot, only the end matters. */
const MAX_CAPTURE = 256 * 1024;

function keepTail(text: string): string {
  return text.length > MAX_CAPTURE ? text.slice(text.length - MAX_CAPTURE) : text;
}

export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, options.timeoutMs);

    const finish = (code: number): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      const result = { code: timedOut ? -1 : code, stdout, stderr, timedOut };
      if (log) log.end(() => resolve(result));
      else resolve(result);
    };

    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout = keepTail(stdout + chunk);
      log?.write(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = keepTail(stderr + chunk);
      log?.write(chunk);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      stderr += error.code === 'ENOENT' ? `${command}: commande introuvable` : error.message;
      finish(127);
    });
    child.on('close', (code) => finish(code ?? 1));

    // A command that exits early closes its stdin; that is not our error.
    child.stdin.on('error', () => undefined);
    if (typeof options.input === 'string') child.stdin.end(options.input);
    else if (options.input) options.input.pipe(child.stdin);
    else child.stdin.end();
  });
}

/** The docker CLI; a hung engine fails the call after 30 minutes (a build) unless told sooner. */
export function docker(args: string[], options: RunOptions = {}): Promise<RunResult> {
  return run('docker', args, { timeoutMs: 30 * 60_000, ...options });
}

/** Engine calls that answer at once (inspect, create, start, connect…): a minute at most. */
export function dockerQuick(args: string[]): Promise<RunResult> {
  return docker(args, { timeoutMs: 60_000 });
}

/** The last lines of a command's output, without colour codes, for error messages. */
export function tailLines(text: string, count: number): string {
  const colourCode = new RegExp(String.raw`\u001b\[[0-9;]*[A-Za-z]`, 'g');
  const lines = text.replace(colourCode, '').trimEnd().split('\n');
  return lines.slice(-count).join('\n');
}

export interface ImageInfo {
  id: string;
  labels: Record<string, string>;
  repoTags: string[];
  repoDigests: string[];
}

interface InspectedImage {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Config?: { Labels?: Record<string, string> | null } | null;
}

/** "debian" -> "debian:latest"; references with a tag or a digest stay as they are. */
export function withTag(ref: string): string {
  const lastPart = ref.slice(ref.lastIndexOf('/') + 1);
  return lastPart.includes(':') || lastPart.includes('@') ? ref : `${ref}:latest`;
}

/** The local images named by `refs`; a missing one is absent from the map. */
export async function inspectImages(refs: string[]): Promise<Map<string, ImageInfo>> {
  const found = new Map<string, ImageInfo>();
  if (refs.length === 0) return found;
  const result = await docker(['image', 'inspect', ...refs]);
  let parsed: InspectedImage[];
  try {
    parsed = JSON.parse(result.stdout || '[]') as InspectedImage[];
  } catch {
    parsed = [];
  }
  for (const image of parsed) {
    const info: ImageInfo = {
      id: image.Id,
      labels: image.Config?.Labels ?? {},
      repoTags: image.RepoTags ?? [],
      repoDigests: image.RepoDigests ?? [],
    };
    for (const ref of refs) {
      if (info.repoTags.includes(withTag(ref)) || ref === info.id) found.set(ref, info);
    }
  }
  return found;
}

export async function inspectImage(ref: string): Promise<ImageInfo | undefined> {
  return (await inspectImages([ref])).get(ref);
}
