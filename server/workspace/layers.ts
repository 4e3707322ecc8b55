// The layer explorer (the deck's Dive slide, in the browser): reads a `docker save` stream as it
// passes, layer by layer, and tells for each layer the instruction that made it, its size, the
// files it added, changed and removed, and the bytes a later layer deletes or overwrites (wasted).
// No layer is held in memory: only each file's path and size are kept. Runs in the explorer's
// worker threads (layers-thread.ts); every step is linear in the archive's bytes, and the paths a
// crafted image may hold are bounded, so that no image holds a thread long nor fills its memory.
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

export class ImageTooManyFilesError extends Error {
  override name = 'ImageTooManyFilesError';
}

/**
 * Most folder levels of a path: 128. Real images stay far below (the deepest paths we know,
 * nested node_modules of npm 2, reach some 60 levels); a crafted tar can hold thousands.
 */
export const maxPathDepth = 128;
/** Most bytes of one path: 4096, Linux's PATH_MAX, which no file of a real container can exceed. */
export const maxPathBytes = 4096;
/**
 * Most bytes of all the paths of one image's entries: 48 MB. 300 000 files (maxImageEntries) of 160
 * bytes, twice the average of real images; paths are all the explorer keeps, so this bounds the
 * memory of its thread together with maxImageEntries.
 */
export const maxTotalPathBytes = 48 * 1024 * 1024;
/**
 * Most bytes of the paths listed in the result (the files of each layer): 4 MB, some 50 000
 * paths of 80 bytes, more than the files of a big real image. The result crosses from the
 * explorer's thread to the main one and is copied there, on the event loop that serves everyone:
 * 8 MB of paths held it 160 to 720 ms on a loaded two-core machine (load 18), 4 MB half that.
 */
export const maxListedPathBytes = 4 * 1024 * 1024;

/** Which bound of an image's shape the explorer refuses to go past. */
export type TooComplexReason = 'depth' | 'path' | 'paths' | 'slow' | 'memory';

/** An image whose shape (paths too deep or too long, work too long) the explorer refuses. */
export class ImageTooComplexError extends Error {
  override name = 'ImageTooComplexError';
  readonly reason: TooComplexReason;
  /** The figure past the bound: levels, bytes or milliseconds. */
  readonly value: number;
  constructor(reason: TooComplexReason, value: number) {
    super(`image too complex: ${reason} ${value}`);
    this.reason = reason;
    this.value = value;
  }
}

/** The bounds of one exploration (lower in tests). */
export interface ExploreLimits {
  maxEntries: number;
  maxDepth: number;
  maxPathBytes: number;
  maxTotalPathBytes: number;
  maxListedPathBytes: number;
}

export const defaultExploreLimits: ExploreLimits = {
  maxEntries: maxImageEntries,
  maxDepth: maxPathDepth,
  maxPathBytes,
  maxTotalPathBytes,
  maxListedPathBytes,
};

interface LayerEntry {
  path: string;
  size: number;
  /** A whiteout: the path is removed; `opaque`: everything under the folder is. */
  whiteout?: 'file' | 'opaque';
}

/** `./a/b/` → `a/b`, without a regular expression: linear whatever the slashes. */
function normalise(path: string): string {
  let start = 0;
  if (path.charCodeAt(0) === 46 /* . */ && path.charCodeAt(1) === 47 /* / */) start = 1;
  while (path.charCodeAt(start) === 47) start++;
  let end = path.length;
  while (end > start && path.charCodeAt(end - 1) === 47) end--;
  return start === 0 && end === path.length ? path : path.slice(start, end);
}

/** Folder levels of a normalised path: its slashes plus one. */
function depthOf(path: string): number {
  let depth = 1;
  for (let at = path.indexOf('/'); at !== -1; at = path.indexOf('/', at + 1)) depth++;
  return depth;
}

interface Budget {
  entries: number;
  pathBytes: number;
  limits: ExploreLimits;
}

/** The bounds one tar entry's name must stay within; its normalised path when it does. */
function checkedPath(name: string, budget: Budget): string | Error {
  const { limits } = budget;
  if (++budget.entries > limits.maxEntries) return new ImageTooManyFilesError(`more than ${limits.maxEntries} entries`);
  // UTF-16 units never outnumber UTF-8 bytes: a huge name is refused before it is encoded or scanned.
  if (name.length > limits.maxPathBytes + 2) return new ImageTooComplexError('path', name.length);
  const path = normalise(name);
  const bytes = Buffer.byteLength(path, 'utf8');
  if (bytes > limits.maxPathBytes) return new ImageTooComplexError('path', bytes);
  const depth = depthOf(path);
  if (depth > limits.maxDepth) return new ImageTooComplexError('depth', depth);
  budget.pathBytes += bytes;
  if (budget.pathBytes > limits.maxTotalPathBytes) return new ImageTooComplexError('paths', budget.pathBytes);
  return path;
}

function ignore(): void {
  // See the entries' 'error' listeners.
}

/** Reads one layer's tar: its entries' paths, sizes and whiteouts. */
async function readLayer(source: { pipe(destination: Extract): unknown }, budget: Budget): Promise<LayerEntry[]> {
  const entries: LayerEntry[] = [];
  const parser = extract();
  const done = new Promise<void>((resolve, reject) => {
    parser.on('entry', (header: Header, stream, next) => {
      // The parser's error, handed to the entry under way when it is destroyed, is told by the
      // parser's own 'error': unheard here, it would be thrown.
      stream.on('error', ignore);
      const path = checkedPath(header.name, budget);
      if (path instanceof Error) {
        next(path);
        return;
      }
      const cut = path.lastIndexOf('/');
      const base = path.slice(cut + 1);
      const folder = cut === -1 ? '' : path.slice(0, cut);
      if (base === '.wh..wh..opq') entries.push({ path: folder, size: 0, whiteout: 'opaque' });
      else if (base.startsWith('.wh.'))
        entries.push({ path: (folder ? folder + '/' : '') + base.slice(4), size: 0, whiteout: 'file' });
      else if (path && header.type !== 'directory') entries.push({ path, size: header.size ?? 0 });
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
  // Cut first: the expressions below then run on 2 KB at most, whatever the history holds.
  return createdBy
    .slice(0, 2000)
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
/** `limits`: see defaultExploreLimits (lower in tests); a number is the most entries, as before. */
export async function exploreSaveStream(
  stream: Readable,
  limits: Partial<ExploreLimits> | number = {},
): Promise<ExploredImage> {
  const bounds = { ...defaultExploreLimits, ...(typeof limits === 'number' ? { maxEntries: limits } : limits) };
  const budget: Budget = { entries: 0, pathBytes: 0, limits: bounds };
  const kept = new Map<string, Buffer>();
  const layers = new Map<string, LayerEntry[]>();
  const outer = extract();
  const done = new Promise<void>((resolve, reject) => {
    outer.on('entry', (header: Header, entry, next) => {
      entry.on('error', ignore);
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
      readLayer(entry, budget).then(
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
    if (!entries && small && isTar(small)) entries = await readLayer(Readable.from([small]), budget);
    ordered.push(entries ?? []);
  }
  return explore(ordered, instructions, bounds.maxListedPathBytes);
}

/** A file present in the image so far: its size and the layer that put it there. */
interface Held {
  path: string;
  size: number;
  layer: number;
}

/**
 * One level of the image's file tree: a file at this path, folders and files under it. Each path
 * is walked one level at a time from the root, so every entry costs its own length, whatever
 * the depth (taking every ancestor's whole path as a key, as before, cost its length times its
 * depth: 13 s for 4000 files 1400 levels deep).
 */
interface TreeNode {
  file?: Held;
  children?: Map<string, TreeNode>;
}

/** The node of `path`, made along the way when `create`; undefined when absent. */
function nodeOf(root: TreeNode, path: string, create: boolean): TreeNode | undefined {
  let node = root;
  let start = 0;
  while (start <= path.length) {
    let cut = path.indexOf('/', start);
    if (cut === -1) cut = path.length;
    const name = path.slice(start, cut);
    let child = node.children?.get(name);
    if (!child) {
      if (!create) return undefined;
      child = {};
      (node.children ??= new Map()).set(name, child);
    }
    node = child;
    start = cut + 1;
  }
  return node;
}

/**
 * Every file under `node` (not its own), folder by folder; the folder is emptied. Each
 * node is visited once and then dropped: removals cost no more, in all, than the entries that
 * made the nodes.
 */
function takeAllUnder(node: TreeNode): Held[] {
  const taken: Held[] = [];
  if (!node.children) return taken;
  // Depth first, each folder's entries in the order they came: an explicit stack, not recursion.
  const stack: Iterator<TreeNode>[] = [node.children.values()];
  node.children = undefined;
  while (stack.length > 0) {
    const next = (stack[stack.length - 1] as Iterator<TreeNode>).next();
    if (next.done) {
      stack.pop();
      continue;
    }
    const child = next.value;
    if (child.file) taken.push(child.file);
    if (child.children) stack.push(child.children.values());
  }
  return taken;
}

/** The changes of each layer over the ones below it, and the bytes later layers waste. */
export function explore(
  layers: LayerEntry[][],
  instructions: string[],
  listedPathBytes = maxListedPathBytes,
): ExploredImage {
  const root: TreeNode = {};
  let listedBytes = 0;
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
  const wastedFiles: Held[] = [];
  const waste = (held: Held) => {
    const layer = result[held.layer];
    if (!layer || held.size === 0) return;
    layer.wastedBytes += held.size;
    wastedFiles.push(held);
  };
  const record = (layer: ExploredLayer, file: LayerFile) => {
    layer[file.change]++;
    // Path lengths are counted in UTF-16 units here: close enough for a bound, and free.
    if (layer.files.length < maxFilesPerLayer && listedBytes + file.path.length <= listedPathBytes) {
      layer.files.push(file);
      listedBytes += file.path.length;
    } else layer.truncated = true;
  };
  layers.forEach((entries, index) => {
    const layer = result[index] as ExploredLayer;
    for (const entry of entries) {
      if (entry.whiteout) {
        if (!entry.path) continue;
        const node = nodeOf(root, entry.path, false);
        if (!node) continue;
        const gone: Held[] = [];
        if (entry.whiteout === 'file' && node.file) {
          gone.push(node.file);
          node.file = undefined;
        }
        // A whiteout of a folder, opaque or not, removes what is under it.
        for (const held of takeAllUnder(node)) gone.push(held);
        for (const held of gone) {
          waste(held);
          record(layer, { path: held.path, size: held.size, change: 'removed' });
        }
        continue;
      }
      layer.size += entry.size;
      const node = nodeOf(root, entry.path, true) as TreeNode;
      if (node.file) {
        waste(node.file);
        record(layer, { path: entry.path, size: entry.size, change: 'modified' });
      } else {
        record(layer, { path: entry.path, size: entry.size, change: 'added' });
      }
      node.file = { path: entry.path, size: entry.size, layer: index };
    }
  });
  wastedFiles.sort((a, b) => b.size - a.size);
  // One pass, biggest first: each layer keeps its first topWasted.
  for (const { path, size, layer } of wastedFiles) {
    const wasted = result[layer]?.wasted;
    if (wasted && wasted.length < topWasted) wasted.push({ path, size });
  }
  const size = result.reduce((n, l) => n + l.size, 0);
  const wasted = result.reduce((n, l) => n + l.wastedBytes, 0);
  return {
    size,
    wasted,
    efficiency: size === 0 ? 1 : Math.max(0, 1 - wasted / size),
    topWasted: wastedFiles.slice(0, topWasted).map(({ path, size, layer }) => ({ path, size, layer })),
    layers: result,
  };
}
