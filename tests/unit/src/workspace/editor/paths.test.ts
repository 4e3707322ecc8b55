// Unit tests of the editor's sandbox paths: names, folders, new file names, API URLs, sizes.
import { describe, expect, it } from 'vitest';
import {
  ancestorsOf,
  baseName,
  dispositionName,
  fileUrl,
  formatSize,
  isWithin,
  joinPath,
  newFileNameProblem,
  parentFolder,
} from '../../../../../src/workspace/editor/paths.ts';

describe('baseName and parentFolder', () => {
  it.each([
    ['/root/tp-dockerfile/Dockerfile', 'Dockerfile', '/root/tp-dockerfile'],
    ['/root/tp-dockerfile/', 'tp-dockerfile', '/root'],
    ['/root', 'root', '/'],
  ])('%s', (path, name, parent) => {
    expect(baseName(path)).toBe(name);
    expect(parentFolder(path)).toBe(parent);
  });
});

describe('isWithin and ancestorsOf', () => {
  it('does not take a sibling with the same prefix for a child', () => {
    expect(isWithin('/root/tp', '/root')).toBe(true);
    expect(isWithin('/root', '/root')).toBe(true);
    expect(isWithin('/rootkit/x', '/root')).toBe(false);
  });
  it('lists the folders between the root and a file', () => {
    expect(ancestorsOf('/root/a/b/f.txt')).toEqual(['/root/a', '/root/a/b']);
    expect(ancestorsOf('/root/f.txt')).toEqual([]);
  });
});

describe('joinPath', () => {
  it.each([
    ['/root/tp', 'Dockerfile', '/root/tp/Dockerfile'],
    ['/root/tp/', ' app/main.go ', '/root/tp/app/main.go'],
    ['/root/tp', './a//b', '/root/tp/a/b'],
    ['/root/tp', '/tmp/notes.txt', '/tmp/notes.txt'],
  ])('%s + %s', (folder, name, joined) => {
    expect(joinPath(folder, name)).toBe(joined);
  });
});

describe('newFileNameProblem', () => {
  it.each(['Dockerfile', 'app/main.go', '.dockerignore', 'Dockerfile.dev', '/tmp/x'])('accepts %s', (name) => {
    expect(newFileNameProblem(name)).toBeUndefined();
  });
  it.each([
    ['', /Donnez un nom/],
    ['   ', /Donnez un nom/],
    ['.', /Donnez un nom/],
    ['../etc/passwd', /«\s\.\.\s»/],
    ['app/', /dossier/],
    ['a\u0007b', /contrôle/],
    ['x'.repeat(256), /trop long/],
  ])('refuses %j in French', (name, message) => {
    expect(newFileNameProblem(name)).toMatch(message);
  });
});

describe('fileUrl', () => {
  it('drops the leading slash and encodes each segment', () => {
    expect(fileUrl('abc', '/root/tp-dockerfile/Dockerfile', true)).toBe(
      '/api/sessions/abc/files/root/tp-dockerfile/Dockerfile?edit=1',
    );
    expect(fileUrl('abc', '/root/mon dossier/été#1?.txt')).toBe(
      '/api/sessions/abc/files/root/mon%20dossier/%C3%A9t%C3%A9%231%3F.txt',
    );
  });
});

describe('formatSize', () => {
  it.each([
    [0, '0 o'],
    [1023, '1023 o'],
    [1536, '1,5 Ko'],
    [50 * 1024 * 1024, '50 Mo'],
    [3 * 1024 ** 3, '3 Go'],
  ])('%d → %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});

describe('dispositionName', () => {
  it('prefers the UTF-8 form, falls back to the plain one', () => {
    expect(dispositionName(`attachment; filename="t_t.tar"; filename*=UTF-8''t%C3%A9t.tar`)).toBe('tét.tar');
    expect(dispositionName('attachment; filename="index.html"')).toBe('index.html');
    expect(dispositionName(`attachment; filename="a.txt"; filename*=UTF-8''%E0%A4%A`)).toBe('a.txt');
    expect(dispositionName(null)).toBeUndefined();
  });
});
