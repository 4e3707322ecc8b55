// Dropped folders: walked into files with their paths (the browser's entries read in batches),
// and refused with a French message past the limits, an empty folder too.
import { describe, expect, it } from 'vitest';
import {
  type DirectoryEntryLike,
  droppedFiles,
  type EntryLike,
  type FileEntryLike,
  filesOfPickedFolder,
  folderLimits,
} from '../../../../../src/workspace/editor/dropped-files.ts';

const fileEntry = (name: string, size = 3): FileEntryLike => ({
  name,
  isFile: true,
  isDirectory: false,
  // A big one is only its size: the walk reads no content.
  file: (success) => success(size > 1024 ? ({ name, size } as File) : new File(['x'.repeat(size)], name)),
});

/** A folder whose reader gives its children two at a time, then an empty batch. */
const folderEntry = (name: string, children: EntryLike[]): DirectoryEntryLike => ({
  name,
  isFile: false,
  isDirectory: true,
  createReader: () => {
    let at = 0;
    return {
      readEntries: (success) => {
        const batch = children.slice(at, at + 2);
        at += batch.length;
        success(batch);
      },
    };
  },
});

describe('dropped files', () => {
  it('walks a folder into its files, with their paths inside it', async () => {
    const app = folderEntry('app', [
      fileEntry('Dockerfile'),
      fileEntry('main.go'),
      folderEntry('static', [fileEntry('index.html'), folderEntry('vide', [])]),
      fileEntry('go.mod'),
    ]);
    const loose = new File(['a'], 'notes.txt');
    const reports: string[] = [];
    const files = await droppedFiles([app, loose], (m) => reports.push(m));
    expect(files.map((f) => f.relative)).toEqual([
      'app/Dockerfile',
      'app/main.go',
      'app/static/index.html',
      'app/go.mod',
      'notes.txt',
    ]);
    expect(reports).toEqual([]);
  });

  it('refuses a folder past the limits, or an empty one, and keeps the other files', async () => {
    const many = folderEntry(
      'node_modules',
      Array.from({ length: folderLimits.files + 1 }, (_, i) => fileEntry(`f${i}.js`)),
    );
    let deep: DirectoryEntryLike = folderEntry('fond', [fileEntry('a')]);
    for (let i = 0; i < folderLimits.depth; i += 1) deep = folderEntry(`n${i}`, [deep]);
    const big = folderEntry('images', [fileEntry('a.tar', folderLimits.bytes), fileEntry('b.tar', 10)]);
    const reports: string[] = [];
    const files = await droppedFiles([many, deep, big, folderEntry('vide', []), fileEntry('Dockerfile')], (m) =>
      reports.push(m),
    );
    expect(files.map((f) => f.relative)).toEqual(['Dockerfile']);
    expect(reports).toHaveLength(4);
    expect(reports[0]).toMatch(/« node_modules » est trop gros .*500 fichiers.*tar -xf/);
    expect(reports[1]).toMatch(/plus de 12 niveaux/);
    expect(reports[2]).toMatch(/« images » est trop gros/);
    expect(reports[3]).toMatch(/« vide » est vide/);
  });

  it('says so when the browser cannot read a file', async () => {
    const broken: FileEntryLike = {
      name: 'x',
      isFile: true,
      isDirectory: false,
      file: (_ok, fail) => fail?.(new Error('no')),
    };
    const reports: string[] = [];
    expect(await droppedFiles([broken], (m) => reports.push(m))).toEqual([]);
    expect(reports[0]).toMatch(/n’a pas pu être lu/);
  });
});

describe('a folder picked with « Importer un dossier »', () => {
  const picked = (relative: string, size = 1) => {
    const file = new File(['x'.repeat(size)], relative.split('/').at(-1) ?? '');
    Object.defineProperty(file, 'webkitRelativePath', { value: relative });
    return file;
  };

  it('keeps the paths the browser gives, and the same limits', () => {
    expect(
      filesOfPickedFolder([picked('site/index.html'), picked('site/css/style.css')]).map((f) => f.relative),
    ).toEqual(['site/index.html', 'site/css/style.css']);
    expect(() => filesOfPickedFolder([])).toThrow(/vide/);
    const many = Array.from({ length: folderLimits.files + 1 }, (_, i) => picked(`gros/f${i}`));
    expect(() => filesOfPickedFolder(many)).toThrow(/« gros » est trop gros/);
    const deep = `fond/${Array.from({ length: folderLimits.depth + 1 }, (_, i) => `n${i}`).join('/')}/a`;
    expect(() => filesOfPickedFolder([picked(deep)])).toThrow(/niveaux/);
  });
});
