// The images of a student's sandbox, for the layer explorer: their list, and one image's layers
// explored from `docker save` streamed out of the sandbox (never written to disk, never whole in
// memory), parsed in the explorer's threads (layers-thread.ts), never on the event loop. One
// exploration per sandbox at a time, two on the server; results are kept per image id, so
// listing a layer's files does not save the image again.
import { SandboxError, type ExecStream, type SandboxDriver } from '../sandbox/driver.ts';
import { ImageTooComplexError, ImageTooManyFilesError, type ExploredImage } from './layers.ts';
import {
  ExplorerBusyError,
  LayerExplorerThreads,
  maxWaitingPerSession,
  type LayerHooks,
  type LayerThreadOptions,
} from './layers-thread.ts';

/** What `docker save` may stream at most: beyond, the explorer refuses (a sandbox's disk is a few GB). */
export const maxImageBytes = 3 * 1024 ** 3;
const saveTimeoutMs = 5 * 60 * 1000;
/** Explored images kept per sandbox. */
const keptPerSandbox = 4;

export interface SandboxImage {
  ref: string;
  id: string;
  size: number;
  created: string;
}

export class ImageNotFoundError extends Error {
  override name = 'ImageNotFoundError';
  readonly ref: string;
  constructor(ref: string) {
    super(`no image ${ref.slice(0, 100)}`);
    this.ref = ref;
  }
}

export class ImageTooBigError extends Error {
  override name = 'ImageTooBigError';
  readonly size: number;
  constructor(size: number) {
    super(`image of ${size} bytes`);
    this.size = size;
  }
}

/** The explorer could not read the image (the engine cut the stream, the save failed). */
export class ImageReadError extends Error {
  override name = 'ImageReadError';
}

export class ImageExplorer {
  private readonly driver: SandboxDriver;
  /** The threads explorations run in; they take turns between sessions. */
  readonly threads: LayerExplorerThreads;
  private readonly perSandbox = new Map<string, Promise<unknown>>();
  private readonly cache = new Map<string, Map<string, ExploredImage>>();
  /** Images refused for their shape, per sandbox: asking again answers at once, without a new save. */
  private readonly refused = new Map<string, Map<string, Error>>();
  /** Explorations asked per sandbox and not answered yet. */
  private readonly pending = new Map<string, number>();

  constructor(driver: SandboxDriver, threads: Partial<LayerThreadOptions> = {}) {
    this.driver = driver;
    this.threads = new LayerExplorerThreads(threads);
  }

  /** The sandbox's tagged images, newest first. */
  async list(sessionId: string): Promise<SandboxImage[]> {
    const result = await this.driver.exec(
      sessionId,
      ['docker', 'image', 'ls', '--format', '{{.Repository}}:{{.Tag}}\t{{.ID}}\t{{.CreatedAt}}'],
      { timeoutMs: 20_000 },
    );
    if (result.exitCode !== 0) throw new ImageReadError(result.stderr.slice(0, 300));
    const images = result.stdout
      .split('\n')
      .map((line) => line.split('\t'))
      .filter(([ref]) => ref && !ref.includes('<none>'))
      .map(([ref = '', id = '', created = '']) => ({ ref, id, created }));
    if (images.length === 0) return [];
    // Sizes in bytes (image ls rounds them), in one call.
    const sizes = await this.driver.exec(
      sessionId,
      ['docker', 'image', 'inspect', '--format', '{{.Size}}', ...images.map((i) => i.ref)],
      { timeoutMs: 20_000 },
    );
    const bytes = sizes.stdout.trim().split('\n').map(Number);
    return images.map((image, i) => ({ ...image, size: bytes[i] ?? 0 }));
  }

  /** The image's layers, explored once per image id. */
  async explore(sessionId: string, ref: string, hooks: LayerHooks = {}): Promise<ExploredImage> {
    const inspect = await this.driver.exec(
      sessionId,
      ['docker', 'image', 'inspect', '--format', '{{.Id}} {{.Size}}', '--', ref],
      { timeoutMs: 20_000 },
    );
    if (inspect.exitCode !== 0) throw new ImageNotFoundError(ref);
    const [id = '', sizeText = '0'] = inspect.stdout.trim().split(' ');
    const size = Number(sizeText);
    if (size > maxImageBytes) throw new ImageTooBigError(size);
    const kept = this.cache.get(sessionId)?.get(id);
    if (kept) return kept;
    const refusal = this.refused.get(sessionId)?.get(id);
    if (refusal) throw refusal;
    // A session's explorations run one after the other: past a few waiting, it is told to wait.
    const pending = this.pending.get(sessionId) ?? 0;
    if (pending >= maxWaitingPerSession) throw new ExplorerBusyError(`${pending} explorations waiting`);
    this.pending.set(sessionId, pending + 1);
    const previous = this.perSandbox.get(sessionId) ?? Promise.resolve();
    const work = previous.catch(() => undefined).then(() => this.save(sessionId, id, hooks));
    this.perSandbox.set(sessionId, work);
    try {
      const explored = await work;
      keep(this.cache, sessionId, id, explored);
      return explored;
    } catch (error) {
      // Refused for the image's shape: the same image is refused again. Not when it was only slow
      // (a busy machine may have been the cause).
      const shape = error instanceof ImageTooComplexError && error.reason !== 'slow';
      if (shape || error instanceof ImageTooManyFilesError) keep(this.refused, sessionId, id, error);
      throw error;
    } finally {
      if (this.perSandbox.get(sessionId) === work) this.perSandbox.delete(sessionId);
      const left = (this.pending.get(sessionId) ?? 1) - 1;
      if (left > 0) this.pending.set(sessionId, left);
      else this.pending.delete(sessionId);
    }
  }

  private async save(sessionId: string, id: string, hooks: LayerHooks): Promise<ExploredImage> {
    const kept = this.cache.get(sessionId)?.get(id);
    if (kept) return kept;
    let save: ExecStream | undefined;
    try {
      // `docker save` starts once a thread is free for this session, not while it waits its turn.
      const explored = await this.threads.explore(
        sessionId,
        async () => {
          save = await this.driver.execStream(sessionId, ['docker', 'save', id], { timeoutMs: saveTimeoutMs });
          return save.output;
        },
        hooks,
      );
      const code = await save?.exitCode();
      if (code !== 0) throw new ImageReadError(`docker save exited with ${code}`);
      return explored;
    } catch (error) {
      save?.cancel();
      if (
        error instanceof ImageReadError ||
        error instanceof ImageTooManyFilesError ||
        error instanceof ImageTooComplexError ||
        error instanceof ExplorerBusyError ||
        // The sandbox's own (gone, busy): told as such, as when `docker save` could not start.
        error instanceof SandboxError
      ) {
        throw error;
      }
      throw new ImageReadError(String(error), { cause: error });
    }
  }

  /** A session ended: its results go. */
  forget(sessionId: string): void {
    this.cache.delete(sessionId);
    this.refused.delete(sessionId);
  }

  /** Ends the explorer's threads (they do not keep the process alive when idle). */
  close(): Promise<void> {
    return this.threads.close();
  }
}

/** Keeps `value` for the sandbox's image `id`, the keptPerSandbox most recent ones. */
function keep<T>(store: Map<string, Map<string, T>>, sessionId: string, id: string, value: T): void {
  const images = store.get(sessionId) ?? new Map<string, T>();
  images.set(id, value);
  if (images.size > keptPerSandbox) images.delete(images.keys().next().value ?? '');
  store.set(sessionId, images);
}
