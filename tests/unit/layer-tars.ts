// Tars for the layer explorer's unit tests, written here: tar-stream's pack splits long names one
// folder at a time (quadratic), too slow for thousands of names 1400 folders deep.

/** One 512-byte tar header (ustar), its checksum filled in. */
function header(name: string, size: number, type: '0' | '5' | 'x'): Buffer {
  const block = Buffer.alloc(512);
  block.write(name.slice(0, 100), 0, 'utf8');
  block.write('0000644\0', 100);
  block.write('0000000\0', 108);
  block.write('0000000\0', 116);
  block.write(size.toString(8).padStart(11, '0') + '\0', 124);
  block.write('00000000000\0', 136);
  block.write(type, 156);
  block.write('ustar\0' + '00', 257, 'latin1');
  block.write('        ', 148);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return block;
}

const padding = (size: number) => Buffer.alloc((512 - (size % 512)) % 512);

/** A tar of these entries; names over 100 bytes get a PAX path. */
export function tarOf(entries: { name: string; content?: Buffer | string; type?: 'file' | 'directory' }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    if (Buffer.byteLength(entry.name) > 100) {
      const body = ` path=${entry.name}\n`;
      let length = Buffer.byteLength(body);
      length += String(length + String(length).length).length;
      const record = Buffer.from(`${length}${body}`);
      blocks.push(header('PaxHeader', record.length, 'x'), record, padding(record.length));
    }
    const content = Buffer.from(entry.content ?? '');
    blocks.push(header(entry.name, content.length, entry.type === 'directory' ? '5' : '0'), content);
    blocks.push(padding(content.length));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** A `docker save` stream of one image whose layers hold these files. */
export function saveOf(layers: { name: string; size?: number; type?: 'file' | 'directory' }[][]): Buffer {
  const blobs = layers.map((files) =>
    tarOf(files.map((f) => ({ name: f.name, type: f.type, content: 'x'.repeat(f.size ?? 0) }))),
  );
  const history = layers.map((_, i) => ({ created_by: `RUN couche ${i}` }));
  const names = blobs.map((_, i) => `blobs/sha256/layer${i}`);
  return tarOf([
    ...blobs.map((blob, i) => ({ name: names[i] ?? '', content: blob })),
    { name: 'blobs/sha256/config', content: JSON.stringify({ history }) },
    { name: 'manifest.json', content: JSON.stringify([{ Config: 'blobs/sha256/config', Layers: names }]) },
  ]);
}

/** The 4000 files 1400 folders deep of the attack seen on main, with their folders. */
export function crafted(depth: number, files: number): Buffer {
  const folders = Array.from({ length: depth }, (_, i) => ({
    name: Array.from({ length: i + 1 }, () => 'a').join('/') + '/',
    type: 'directory' as const,
  }));
  const deep = Array.from({ length: depth }, () => 'a').join('/');
  return saveOf([[...folders, ...Array.from({ length: files }, (_, n) => ({ name: `${deep}/f${n}` }))]]);
}
