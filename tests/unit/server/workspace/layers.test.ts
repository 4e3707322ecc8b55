// Unit tests of the layer explorer's reading of a save stream: a synthetic `docker save` archive
// (OCI layout, as Docker 26 writes it) with layers that add, overwrite and remove files.
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { describe, expect, it } from 'vitest';
import {
  explore,
  exploreSaveStream,
  ImageTooComplexError,
  ImageTooManyFilesError,
} from '../../../../server/workspace/layers.ts';

type Entry = { name: string; size?: number; content?: string | Buffer; type?: 'file' | 'directory' };

/** A tar archive of these entries, as a buffer. */
async function tarOf(entries: Entry[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve) => archive.on('end', () => resolve()));
  for (const entry of entries) {
    if (entry.type === 'directory') archive.entry({ name: entry.name, type: 'directory' });
    else archive.entry({ name: entry.name }, entry.content ?? 'x'.repeat(entry.size ?? 0));
  }
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

async function saveStream(layers: Entry[][], history: { created_by: string; empty_layer?: boolean }[]) {
  const blobs = await Promise.all(layers.map((l) => tarOf(l)));
  const config = JSON.stringify({ history, rootfs: { type: 'layers', diff_ids: [] } });
  const names = blobs.map((_, i) => `blobs/sha256/layer${i}`);
  // The outer archive lists the config after the layers, as docker save may.
  return tarOf([
    { name: 'blobs/', type: 'directory' },
    ...blobs.map((blob, i) => ({ name: names[i] ?? '', content: blob })),
    { name: 'blobs/sha256/config', content: config },
    { name: 'manifest.json', content: JSON.stringify([{ Config: 'blobs/sha256/config', Layers: names }]) },
  ]);
}

describe('the layer explorer', () => {
  it('names the layer whose files a later RUN removes, and counts them as wasted', async () => {
    const lists = [
      { name: 'var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease', size: 150_000 },
      { name: 'var/lib/apt/lists/deb.debian.org_dists_bookworm_main_binary-amd64_Packages.lz4', size: 9_000_000 },
    ];
    const stream = await saveStream(
      [
        [
          { name: 'bin/sh', size: 100_000 },
          { name: 'etc/os-release', size: 300 },
        ],
        [{ name: 'var/lib/apt/lists/', type: 'directory' }, ...lists],
        [{ name: 'usr/sbin/apache2', size: 700_000 }],
        [{ name: 'var/lib/apt/lists/.wh..wh..opq', size: 0 }],
      ],
      [
        { created_by: '/bin/sh -c #(nop) ADD file:abc in / ' },
        { created_by: '/bin/sh -c #(nop)  CMD ["bash"]', empty_layer: true },
        { created_by: 'RUN /bin/sh -c apt-get update # buildkit' },
        { created_by: 'RUN /bin/sh -c apt-get install -y apache2 # buildkit' },
        { created_by: 'RUN /bin/sh -c rm -rf /var/lib/apt/lists/* # buildkit' },
      ],
    );
    const image = await exploreSaveStream(Readable.from([stream]));
    expect(image.layers.map((l) => l.instruction)).toEqual([
      'ADD file:abc in /',
      'RUN apt-get update',
      'RUN apt-get install -y apache2',
      'RUN rm -rf /var/lib/apt/lists/*',
    ]);
    const update = image.layers[1];
    expect(update?.wastedBytes).toBe(9_150_000);
    expect(update?.wasted.map((w) => w.path)).toEqual([lists[1]?.name, lists[0]?.name]);
    expect(image.layers[3]).toMatchObject({ removed: 2, added: 0, size: 0 });
    expect(image.wasted).toBe(9_150_000);
    expect(image.efficiency).toBeCloseTo(1 - 9_150_000 / image.size, 5);
    expect(image.topWasted[0]).toMatchObject({ layer: 1, size: 9_000_000 });
  });

  it('finds nothing wasted when the lists go in the same RUN', () => {
    const image = explore(
      [[{ path: 'bin/sh', size: 100 }], [{ path: 'usr/sbin/apache2', size: 700 }]],
      ['ADD file:abc in /', 'RUN apt-get update && apt-get install -y apache2 && rm -rf /var/lib/apt/lists/*'],
    );
    expect(image.wasted).toBe(0);
    expect(image.efficiency).toBe(1);
    expect(image.layers[1]).toMatchObject({ added: 1, modified: 0, removed: 0, wastedBytes: 0 });
  });

  it('counts an overwritten file as modified, and the old copy as wasted', () => {
    const image = explore(
      [
        [{ path: 'var/www/html/index.html', size: 1000 }],
        [{ path: 'var/www/html/index.html', size: 50 }],
        [
          { path: 'tmp/a', size: 5 },
          { path: 'var/www/html', size: 0, whiteout: 'file' },
        ],
      ],
      ['COPY index.html /var/www/html/', 'COPY index.html /var/www/html/', 'RUN rm -rf /var/www/html'],
    );
    expect(image.layers[1]).toMatchObject({ modified: 1, size: 50 });
    expect(image.layers[0]?.wasted).toEqual([{ path: 'var/www/html/index.html', size: 1000 }]);
    // A whiteout of a folder removes what is under it.
    expect(image.layers[2]).toMatchObject({ added: 1, removed: 1 });
    expect(image.layers[1]?.wastedBytes).toBe(50);
  });

  it('refuses an image with more files than it reads, without reading on', async () => {
    const files = Array.from({ length: 101 }, (_, n) => ({ name: `f/${n}`, size: 0 }));
    const stream = await saveStream([files], [{ created_by: 'RUN touch beaucoup' }]);
    await expect(exploreSaveStream(Readable.from([stream]), 100)).rejects.toBeInstanceOf(ImageTooManyFilesError);
    await expect(exploreSaveStream(Readable.from([stream]), 101)).resolves.toMatchObject({ layers: [{ added: 101 }] });
  });

  it('applies many folder whiteouts in time linear in the files, each file removed once', () => {
    const files = Array.from({ length: 20_000 }, (_, n) => ({ path: `d/f${n}`, size: 1 }));
    // The same whiteout of a folder again and again: a scan of every path present each time
    // would be quadratic; the tree visits each file once, then the emptied folder.
    const whiteouts = Array.from({ length: 20_000 }, () => ({ path: 'd', size: 0, whiteout: 'opaque' as const }));
    const started = performance.now();
    const image = explore([[...files, { path: 'e/x', size: 1 }], whiteouts], []);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(image.layers[1]).toMatchObject({ removed: 20_000 });
    expect(image.layers[0]).toMatchObject({ added: 20_001, wastedBytes: 20_000 });
  });

  it('explores 4000 files 1400 folders deep in time linear in the paths', () => {
    // The attack seen on main: each file's 1400 ancestors taken whole as keys took 13 s.
    const deep = Array.from({ length: 1400 }, () => 'a').join('/');
    const files = Array.from({ length: 4000 }, (_, n) => ({ path: `${deep}/f${n}`, size: 1 }));
    const started = performance.now();
    const image = explore([files, [{ path: 'a', size: 0, whiteout: 'file' as const }]], []);
    const took = performance.now() - started;
    console.log(`explore(): 4000 files 1400 levels deep in ${Math.round(took)} ms`);
    expect(took).toBeLessThan(3000);
    expect(image.layers[1]).toMatchObject({ removed: 4000 });
    expect(image.wasted).toBe(4000);
  });

  it('refuses paths too deep, too long, or too many bytes of paths in all, with the figure', async () => {
    const deep = Array.from({ length: 70 }, () => 'a').join('/') + '/f';
    const tooDeep = await saveStream([[{ name: deep, size: 1 }]], [{ created_by: 'RUN profond' }]);
    await expect(exploreSaveStream(Readable.from([tooDeep]), { maxDepth: 64 })).rejects.toMatchObject({
      name: 'ImageTooComplexError',
      reason: 'depth',
      value: 71,
    });
    await expect(exploreSaveStream(Readable.from([tooDeep]), { maxDepth: 71 })).resolves.toMatchObject({
      layers: [{ added: 1 }],
    });

    const long = await saveStream([[{ name: `d/${'x'.repeat(300)}`, size: 1 }]], [{ created_by: 'RUN long' }]);
    await expect(exploreSaveStream(Readable.from([long]), { maxPathBytes: 256 })).rejects.toMatchObject({
      reason: 'path',
      value: 302,
    });
    // A name of 1 MB (a PAX path may hold up to 4 MB) is refused before it is scanned.
    const huge = await saveStream([[{ name: 'x'.repeat(1024 * 1024), size: 1 }]], [{ created_by: 'RUN' }]);
    await expect(exploreSaveStream(Readable.from([huge]))).rejects.toBeInstanceOf(ImageTooComplexError);

    const many = Array.from({ length: 50 }, (_, n) => ({ name: `d/${String(n).padStart(98, '0')}`, size: 1 }));
    const paths = await saveStream([many], [{ created_by: 'RUN beaucoup' }]);
    await expect(exploreSaveStream(Readable.from([paths]), { maxTotalPathBytes: 4000 })).rejects.toMatchObject({
      reason: 'paths',
    });
    await expect(exploreSaveStream(Readable.from([paths]), { maxTotalPathBytes: 5000 })).resolves.toBeDefined();
  });

  it('lists files only up to its bytes of paths, and counts them all', () => {
    const files = Array.from({ length: 100 }, (_, n) => ({ path: `d/${String(n).padStart(98, '0')}`, size: 1 }));
    const image = explore([files], [], 50 * 100);
    expect(image.layers[0]).toMatchObject({ added: 100, truncated: true });
    expect(image.layers[0]?.files).toHaveLength(50);
  });
});
