// The layer explorer (the deck's Dive slide, in the browser): reads a `docker save` stream as it
// passes, layer by layer, and tells for each layer the instruction that made it, its size, the
// files it added, changed and removed, and the bytes a later layer deletes or overwrites (wasted).
// No layer is held in memory: only each file's path and size are kept.
import { Readable } from 'node:stream';
import { extract, type Extract, type Header } from 'tar-stream';

/** Entries of a save stream this small are kept whole: the manifest, the config, small layers. */
const keptBytes = 4 * 1024 * 1024;
/** Files listed per layer at most, and wasted files named per layer and for the image. */
export const maxFilesPerLayer = 20_000;
const topWasted = 20;

export type FileChange = 'added' | 'modified' | 'removed';

export interface LayerFile {
  path: string;
  size: number;
  change: FileChange;
}

export interface ExploredLayer {
  /** The Dockerfile instruction (or commit) that made the layer. */
  instruction: string;
  size: number;
  added: number;
  modified: number;
  removed: number;
  /** Bytes of this layer's files that a later layer deletes or overwrites. */
  wastedBytes: number;
  /** Those files, the biggest first. */
  wasted: { path: string; size: number }[];
  files: LayerFile[];
  /** More files than listed. */
  truncated: boolean;
}

export interface ExploredImage {
  size: number;
  wasted: number;
  /** 1 when no byte is wasted. */
  efficiency: number;
  topWasted: { path: string; size: number; layer: number }[];
  layers: ExploredLayer[];
}

export class ImageFormatError extends Error {
  override name = 'ImageFormatError';
}

/**
 * Most files (and whiteouts) read in one image: real images hold tens of thousands; a crafted
 * one with millions must not fill the server's memory nor hold its event loop.
 */
export const maxImageEntries = 300_000;
/** Most paths looked at while applying folder whiteouts, for the same reason. */
const maxWhiteoutScan = 5_000_000;

export class ImageTooManyFilesError extends Error {
  override name = 'ImageTooManyFilesError';
}

interface LayerEntry {
  path: string;
  size: number;
  /** A whiteout: the path is removed; `opaque`: everything under the folder is. */
  whiteout?: 'file' | 'opaque';
}

function normalise(path: string): string {
  return path.replace(/^\.?\/+/, '').replace(/\/+$/, '');
}

/** Reads one layer's tar: its entries' paths, sizes and whiteouts. */
async function readLayer(
  source: { pipe(destination: Extract): unknown },
  count: { entries: number; max: number },
): Promise<LayerEntry[]> {
  const entries: LayerEntry[] = [];
  const parser = extract();
  const done = new Promise<void>((resolve, reject) => {
    parser.on('entry', (header: Header, stream, next) => {
      const path = normalise(header.name);
      const base = path.slice(path.lastIndexOf('/') + 1);
      const folder = path.slice(0, Math.max(0, path.lastIndexOf('/')));
      if (base === '.wh..wh..opq') entries.push({ path: folder, size: 0, whiteout: 'opaque' });
      else if (base.startsWith('.wh.'))
        entries.push({ path: (folder ? folder + '/' : '') + base.slice(4), size: 0, whiteout: 'file' });
      else if (path && header.type !== 'directory') entries.push({ path, size: header.size ?? 0 });
      if (++count.entries > count.max) {
        next(new ImageTooManyFilesError(`more than ${count.max} entries`));
        return;
      }
      stream.on('end', next);
      stream.resume();
    });
    parser.on('finish', resolve);
    parser.on('error', reject);
  });
  source.pipe(parser);
  await done;
  return entries;
}

function isTar(buffer: Buffer): boolean {
  return buffer.length >= 512 && buffer.toString('latin1', 257, 262) === 'ustar';
}

function instructionOf(createdBy: string | undefined): string {
  if (!createdBy) return '(commit)';
  return createdBy
    .replace(/^\/bin\/sh -c #\(nop\)\s+/, '')
    .replace(/^\|\d+ (\S+=\S* )*\/bin\/sh -c /, 'RUN ')
    .replace(/^(RUN )?\/bin\/sh -c /, 'RUN ')
    .replace(/ # buildkit$/, '')
    .trim()
    .slice(0, 500);
}

interface Manifest {
  Config: string;
  Layers: string[];
}
interface ImageConfig {
  history?: { created_by?: string; empty_layer?: boolean }[];
}

/** Reads a whole `docker save` stream of one image and explores its layers. */
/** `maxEntries`: see maxImageEntries (lower in tests). */
export async function exploreSaveStream(stream: Readable, maxEntries = maxImageEntries): Promise<ExploredImage> {
  const count = { entries: 0, max: maxEntries };
  const kept = new Map<string, Buffer>();
  const layers = new Map<string, LayerEntry[]>();
  const outer = extract();
  const done = new Promise<void>((resolve, reject) => {
    outer.on('entry', (header: Header, entry, next) => {
      const name = normalise(header.name);
      const size = header.size ?? 0;
      if (header.type !== 'file' || size === 0) {
        entry.on('end', next);
        entry.resume();
        return;
      }
      if (size <= keptBytes) {
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
        entry.on('end', () => {
          kept.set(name, Buffer.concat(chunks));
          next();
        });
        return;
      }
      // A big entry is a layer: read as it passes.
      readLayer(entry, count).then(
        (entries) => {
          layers.set(name, entries);
          next();
        },
        (error: Error) => next(error),
      );
    });
    outer.on('finish', resolve);
    outer.on('error', reject);
  });
  stream.pipe(outer);
  stream.on('error', (error) => outer.destroy(error));
  await done;

  const manifestText = kept.get('manifest.json');
  if (!manifestText) throw new ImageFormatError('no manifest.json in the save stream');
  const [manifest] = JSON.parse(manifestText.toString('utf8')) as Manifest[];
  if (!manifest) throw new ImageFormatError('empty manifest');
  const config = JSON.parse(kept.get(normalise(manifest.Config))?.toString('utf8') ?? '{}') as ImageConfig;
  const instructions = (config.history ?? []).filter((h) => !h.empty_layer).map((h) => instructionOf(h.created_by));

  const ordered: LayerEntry[][] = [];
  for (const layerPath of manifest.Layers) {
    const name = normalise(layerPath);
    let entries = layers.get(name);
    const small = kept.get(name);
    if (!entries && small && isTar(small)) entries = await readLayer(Readable.from([small]), count);
    ordered.push(entries ?? []);
  }
  return explore(ordered, instructions);
}

/** The changes of each layer over the ones below it, and the bytes later layers waste. */
export function explore(layers: LayerEntry[][], instructions: string[]): ExploredImage {
  /** Every path present so far: its size and the layer that put it there. */
  const present = new Map<string, { size: number; layer: number }>();
  /** Folders that held a file at some point: only their whiteouts need a scan of what is under them. */
  const folders = new Set<string>();
  let scanned = 0;
  const result: ExploredLayer[] = layers.map((_, i) => ({
    instruction: instructions[i] ?? '(couche sans historique)',
    size: 0,
    added: 0,
    modified: 0,
    removed: 0,
    wastedBytes: 0,
    wasted: [],
    files: [],
    truncated: false,
  }));
  const wastedFiles: { path: string; size: number; layer: number }[] = [];
  const waste = (path: string, held: { size: number; layer: number }) => {
    const layer = result[held.layer];
    if (!layer || held.size === 0) return;
    layer.wastedBytes += held.size;
    wastedFiles.push({ path, size: held.size, layer: held.layer });
  };
  const record = (layer: ExploredLayer, file: LayerFile) => {
    layer[file.change]++;
    if (layer.files.length < maxFilesPerLayer) layer.files.push(file);
    else layer.truncated = true;
  };
  layers.forEach((entries, index) => {
    const layer = result[index] as ExploredLayer;
    for (const entry of entries) {
      if (entry.whiteout) {
        const gone = (path: string, held: { size: number; layer: number }) => {
          present.delete(path);
          waste(path, held);
          record(layer, { path, size: held.size, change: 'removed' });
        };
        const file = entry.whiteout === 'file' ? present.get(entry.path) : undefined;
        if (file) gone(entry.path, file);
        if (folders.has(entry.path)) {
          const prefix = entry.path + '/';
          scanned += present.size;
          if (scanned > maxWhiteoutScan) throw new ImageTooManyFilesError('too many folder whiteouts');
          for (const [path, held] of [...present]) if (path.startsWith(prefix)) gone(path, held);
        }
        continue;
      }
      layer.size += entry.size;
      const held = present.get(entry.path);
      if (held) {
        waste(entry.path, held);
        record(layer, { path: entry.path, size: entry.size, change: 'modified' });
      } else {
        record(layer, { path: entry.path, size: entry.size, change: 'added' });
      }
      present.set(entry.path, { size: entry.size, layer: index });
      for (let cut = entry.path.lastIndexOf('/'); cut > 0; cut = entry.path.lastIndexOf('/', cut - 1)) {
        folders.add(entry.path.slice(0, cut));
      }
    }
  });
  wastedFiles.sort((a, b) => b.size - a.size);
  for (const layer of result) {
    layer.wasted = wastedFiles
      .filter((f) => result[f.layer] === layer)
      .slice(0, topWasted)
      .map(({ path, size }) => ({ path, size }));
  }
  const size = result.reduce((n, l) => n + l.size, 0);
  const wasted = result.reduce((n, l) => n + l.wastedBytes, 0);
  return {
    size,
    wasted,
    efficiency: size === 0 ? 1 : Math.max(0, 1 - wasted / size),
    topWasted: wastedFiles.slice(0, topWasted),
    layers: result,
  };
}
