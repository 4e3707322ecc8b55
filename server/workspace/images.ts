// The images of a student's sandbox, for the layer explorer: their list, and one image's layers
// explored from `docker save` streamed out of the sandbox (never written to disk, never whole in
// memory). One exploration per sandbox at a time, two on the server; results are kept per image
// id, so listing a layer's files does not save the image again.
import pLimit from 'p-limit';
import type { SandboxDriver } from '../sandbox/driver.ts';
import { exploreSaveStream, ImageTooManyFilesError, type ExploredImage } from './layers.ts';

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
  private readonly global = pLimit(2);
  private readonly perSandbox = new Map<string, Promise<unknown>>();
  private readonly cache = new Map<string, Map<string, ExploredImage>>();

  constructor(driver: SandboxDriver) {
    this.driver = driver;
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
  async explore(sessionId: string, ref: string): Promise<ExploredImage> {
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
    const previous = this.perSandbox.get(sessionId) ?? Promise.resolve();
    const work = previous.catch(() => undefined).then(() => this.global(() => this.save(sessionId, id)));
    this.perSandbox.set(sessionId, work);
    try {
      const explored = await work;
      const images = this.cache.get(sessionId) ?? new Map<string, ExploredImage>();
      images.set(id, explored);
      if (images.size > keptPerSandbox) images.delete(images.keys().next().value ?? '');
      this.cache.set(sessionId, images);
      return explored;
    } finally {
      if (this.perSandbox.get(sessionId) === work) this.perSandbox.delete(sessionId);
    }
  }

  private async save(sessionId: string, id: string): Promise<ExploredImage> {
    const kept = this.cache.get(sessionId)?.get(id);
    if (kept) return kept;
    const save = await this.driver.execStream(sessionId, ['docker', 'save', id], { timeoutMs: saveTimeoutMs });
    try {
      const explored = await exploreSaveStream(save.output);
      const code = await save.exitCode();
      if (code !== 0) throw new ImageReadError(`docker save exited with ${code}`);
      return explored;
    } catch (error) {
      save.cancel();
      if (error instanceof ImageReadError || error instanceof ImageTooManyFilesError) throw error;
      throw new ImageReadError(String(error), { cause: error });
    }
  }

  /** A session ended: its results go. */
  forget(sessionId: string): void {
    this.cache.delete(sessionId);
  }
}
