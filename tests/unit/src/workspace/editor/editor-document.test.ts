// Unit tests of the editor's open document: save with If-Match, a conflict with the terminal
// (412), overwriting it, and catching up with the terminal's changes; driven by a fake file API.
import { Text } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../../../../../src/api/client.ts';
import {
  EditorDocument,
  type DocumentBuffer,
  type DocumentFiles,
} from '../../../../../src/workspace/editor/editor-document.ts';

/** The sandbox's one file, with an ETag that changes on each write, as the server does. */
class FakeFiles implements DocumentFiles {
  text: string;
  etag: string;
  saves: { text: string; etag: string | undefined }[] = [];
  missing = false;
  private version = 1;
  /** Holds the next save's reply until released, to type while it runs. */
  private held: (() => void) | undefined;
  hold = false;

  constructor(text: string) {
    this.text = text;
    this.etag = '"v1"';
  }

  /** The terminal writes the file. */
  write(text: string): void {
    this.text = text;
    this.etag = `"v${++this.version}"`;
  }

  release(): void {
    this.held?.();
  }

  read(): Promise<{ text: string; etag: string }> {
    if (this.missing) return Promise.reject(new ApiRequestError(404, 'Fichier introuvable.'));
    return Promise.resolve({ text: this.text, etag: this.etag });
  }

  async save(_path: string, text: string, etag: string | undefined): Promise<string> {
    this.saves.push({ text, etag });
    if (this.hold) await new Promise<void>((resolve) => (this.held = resolve));
    if (etag !== undefined && etag !== this.etag) throw new ApiRequestError(412, 'Le fichier a changé.');
    this.missing = false;
    this.write(text);
    return this.etag;
  }
}

/** The editor's text: dirty when it differs from what was last read or saved. */
class FakeBuffer implements DocumentBuffer {
  doc: Text;
  saved: Text;
  constructor(text: string) {
    this.doc = this.saved = Text.of(text.split('\n'));
  }
  type(text: string): void {
    this.doc = Text.of(text.split('\n'));
  }
  text(): Text {
    return this.doc;
  }
  markSaved(doc: Text): void {
    this.saved = doc;
  }
  isDirty(): boolean {
    return !this.doc.eq(this.saved);
  }
  refresh(_path: string, text: string): void {
    this.doc = this.saved = Text.of(text.split('\n'));
  }
}

function opened(text = 'FROM alpine') {
  const files = new FakeFiles(text);
  const buffer = new FakeBuffer(text);
  const doc = new EditorDocument(files, buffer, '/root/tp/Dockerfile', files.etag);
  return { files, buffer, doc };
}

describe('EditorDocument.save', () => {
  it('sends the ETag read as If-Match, then keeps the new one', async () => {
    const { files, buffer, doc } = opened();
    buffer.type('FROM debian');
    expect(doc.isDirty()).toBe(true);
    expect(await doc.save()).toBe('saved');
    expect(files.saves).toEqual([{ text: 'FROM debian', etag: '"v1"' }]);
    expect(doc.etag).toBe('"v2"');
    expect(doc.isDirty()).toBe(false);
    buffer.type('FROM debian:12');
    await doc.save();
    expect(files.saves[1]).toEqual({ text: 'FROM debian:12', etag: '"v2"' });
  });

  it('says so when the terminal changed the file meanwhile, and keeps the text unsaved', async () => {
    const { files, buffer, doc } = opened();
    files.write('FROM ubuntu');
    buffer.type('FROM debian');
    expect(await doc.save()).toBe('conflict');
    expect(files.text).toBe('FROM ubuntu');
    expect(doc.isDirty()).toBe(true);
    expect(doc.saving).toBe(false);
  });

  it('overwrites the terminal’s version without If-Match once the student chose so', async () => {
    const { files, buffer, doc } = opened();
    files.write('FROM ubuntu');
    buffer.type('FROM debian');
    await doc.save();
    doc.forgetVersion();
    expect(await doc.save()).toBe('saved');
    expect(files.saves.at(-1)).toEqual({ text: 'FROM debian', etag: undefined });
    expect(files.text).toBe('FROM debian');
    expect(doc.etag).toBe(files.etag);
  });

  it('keeps what was typed during the save as unsaved', async () => {
    const { files, buffer, doc } = opened();
    buffer.type('FROM debian');
    files.hold = true;
    const saving = doc.save();
    expect(doc.saving).toBe(true);
    buffer.type('FROM debian:12');
    files.release();
    expect(await saving).toBe('saved');
    expect(files.text).toBe('FROM debian');
    expect(doc.isDirty()).toBe(true);
  });

  it('leaves the editor alone when another file took it during the save', async () => {
    const { files, buffer, doc } = opened();
    buffer.type('FROM debian');
    files.hold = true;
    const saving = doc.save();
    doc.close();
    files.release();
    expect(await saving).toBe('saved');
    expect(buffer.isDirty()).toBe(true);
    expect(doc.etag).toBe('"v1"');
  });

  it('passes other refusals on', async () => {
    const { files, buffer, doc } = opened();
    files.save = () => Promise.reject(new ApiRequestError(413, 'Envoi trop gros pour le serveur.'));
    buffer.type('FROM debian');
    await expect(doc.save()).rejects.toThrow('Envoi trop gros');
    expect(doc.saving).toBe(false);
  });
});

describe('EditorDocument.revalidate', () => {
  it('shows the terminal’s newer version of a file without unsaved changes', async () => {
    const { files, buffer, doc } = opened();
    files.write('FROM ubuntu');
    expect(await doc.revalidate()).toBe('refreshed');
    expect(buffer.text().toString()).toBe('FROM ubuntu');
    expect(doc.etag).toBe(files.etag);
    expect(await doc.revalidate()).toBe('unchanged');
  });

  it('never replaces unsaved changes', async () => {
    const { files, buffer, doc } = opened();
    files.write('FROM ubuntu');
    buffer.type('FROM debian');
    expect(await doc.revalidate()).toBe('unchanged');
    expect(buffer.text().toString()).toBe('FROM debian');
    expect(doc.etag).toBe('"v1"');
  });

  it('saves a file removed in the terminal without If-Match, which recreates it', async () => {
    const { files, buffer, doc } = opened();
    files.missing = true;
    expect(await doc.revalidate()).toBe('gone');
    expect(doc.etag).toBeUndefined();
    buffer.type('FROM debian');
    expect(await doc.save()).toBe('saved');
    expect(files.saves.at(-1)?.etag).toBeUndefined();
  });
});
