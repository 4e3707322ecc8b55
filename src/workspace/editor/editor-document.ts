// The file open in the editor: its path, the ETag of what was read or last saved, whether it is
// being saved, saving with If-Match, and catching up with the terminal's changes to it.
import type { Text } from '@codemirror/state';
import { ApiRequestError } from '../../api/client.ts';
import type { FilesApi } from './files-api.ts';

/** What a document needs of the file API. */
export type DocumentFiles = Pick<FilesApi, 'read' | 'save'>;

/** What a document needs of the editor's text (CodeEditor in the page). */
export interface DocumentBuffer {
  text(): Text;
  markSaved(doc: Text): void;
  isDirty(): boolean;
  refresh(path: string, text: string): void;
}

/** A save's end: written, or refused because the file changed since it was read (412). */
export type SaveOutcome = 'saved' | 'conflict';

/** Catching up: nothing to do, the terminal's newer version shown, or the file is gone. */
export type RevalidateOutcome = 'unchanged' | 'refreshed' | 'gone';

export class EditorDocument {
  readonly path: string;
  private readonly files: DocumentFiles;
  private readonly buffer: DocumentBuffer;
  /** None: the next save goes without If-Match (the student chose to replace, or to recreate). */
  private version: string | undefined;
  private savingNow = false;
  private closed = false;

  constructor(files: DocumentFiles, buffer: DocumentBuffer, path: string, etag: string | undefined) {
    this.files = files;
    this.buffer = buffer;
    this.path = path;
    this.version = etag;
  }

  get etag(): string | undefined {
    return this.version;
  }

  get saving(): boolean {
    return this.savingNow;
  }

  isDirty(): boolean {
    return this.buffer.isDirty();
  }

  /** Another file took the editor: what is still under way for this one no longer touches it. */
  close(): void {
    this.closed = true;
  }

  /** The next save replaces whatever the sandbox holds (no If-Match). */
  forgetVersion(): void {
    this.version = undefined;
  }

  /**
   * Saves the text as it is now, only if the file is still the version read (If-Match). Throws
   * the API's error for any refusal but a conflict; `saved` once written.
   */
  async save(): Promise<SaveOutcome> {
    const snapshot = this.buffer.text();
    this.savingNow = true;
    try {
      const etag = await this.files.save(this.path, snapshot.toString(), this.version);
      if (this.closed) return 'saved';
      this.version = etag;
      // Typed while the request ran: still unsaved.
      this.buffer.markSaved(snapshot);
      return 'saved';
    } catch (error) {
      if (error instanceof ApiRequestError && error.status === 412) return 'conflict';
      throw error;
    } finally {
      this.savingNow = false;
    }
  }

  /**
   * Reads the file again (the terminal may have changed it): a newer version replaces the text
   * when it has no unsaved changes; a file gone is recreated by the next save.
   */
  async revalidate(): Promise<RevalidateOutcome> {
    if (this.isDirty() || this.savingNow) return 'unchanged';
    try {
      const file = await this.files.read(this.path);
      if (this.closed || this.isDirty() || file.etag === this.version) return 'unchanged';
      this.version = file.etag;
      this.buffer.refresh(this.path, file.text);
      return 'refreshed';
    } catch (error) {
      if (this.closed) return 'unchanged';
      if (error instanceof ApiRequestError && error.status === 404) {
        this.version = undefined;
        return 'gone';
      }
      return 'unchanged';
    }
  }
}
