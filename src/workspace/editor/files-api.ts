// The workspace's file API as the editor uses it: the tree, a file read for editing and saved
// with If-Match, the Dockerfile linter, uploads and downloads (with progress). Every call takes
// the terminal's current session (a reset gives a new one) and validates the reply's shape.
import {
  fileSavedSchema,
  fileTreeSchema,
  lintSchema,
  type FileTree,
  type LintAnswer,
} from '../../../shared/contract.ts';
import {
  ApiRequestError,
  apiFetch,
  malformedMessage,
  refusalOf,
  replyOf,
  unreachableMessage,
} from '../../api/client.ts';
import type { OpenSession } from '../../terminal/session-client.ts';
import type { TerminalPaneApi } from '../../terminal/terminal-pane.ts';
import { baseName, dispositionName, fileUrl } from './paths.ts';

export type LintFinding = LintAnswer['findings'][number];

export interface OpenedFile {
  text: string;
  /** The ETag as the server sent it (quoted): what If-Match sends back. */
  etag: string;
}

export interface Progress {
  (done: number, total: number | undefined): void;
}

/** An ETag as If-Match expects it: strong and quoted (the save reply gives it bare). */
export function quotedEtag(etag: string): string {
  const bare = etag.replace(/^W\//, '');
  return bare.startsWith('"') ? bare : `"${bare}"`;
}

export class FilesApi {
  private readonly pane: TerminalPaneApi;

  constructor(pane: TerminalPaneApi) {
    this.pane = pane;
  }

  /** The terminal's session: the one open now (a reset replaces it), else the first one once open. */
  async session(): Promise<OpenSession> {
    const open = this.pane.session();
    if (open) return open;
    try {
      return await this.pane.ready;
    } catch {
      throw new ApiRequestError(
        0,
        'Le bac à sable n’est pas ouvert : le terminal n’a pas pu démarrer (voir son message).',
      );
    }
  }

  private async send(url: (id: string) => string, init: RequestInit = {}): Promise<Response> {
    const session = await this.session();
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${session.token}`);
    return apiFetch(url(session.id), { ...init, headers, cache: 'no-store' });
  }

  /** The files under `folder` (6 levels deep, hidden folders left out). */
  async tree(folder: string): Promise<FileTree> {
    const response = await this.send(
      (id) => `/api/sessions/${encodeURIComponent(id)}/tree?path=${encodeURIComponent(folder)}`,
    );
    return replyOf(response, fileTreeSchema);
  }

  /** A text file for the editor (413 above 1 MB, 415 when binary: the server says so in French). */
  async read(path: string): Promise<OpenedFile> {
    const response = await this.send((id) => fileUrl(id, path, true));
    const bytes = await response.arrayBuffer();
    const etag = response.headers.get('etag');
    if (!etag) throw new ApiRequestError(response.status, malformedMessage);
    return { text: new TextDecoder('utf-8').decode(bytes), etag };
  }

  /**
   * Saves a file; with `etag`, only if it is still what was read; with `createOnly`, only if it
   * does not exist yet (412 otherwise, both). Gives the new ETag.
   */
  async save(
    path: string,
    text: string,
    etag: string | undefined,
    options: { createOnly?: boolean } = {},
  ): Promise<string> {
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
    if (etag !== undefined) headers['if-match'] = quotedEtag(etag);
    if (options.createOnly) headers['if-none-match'] = '*';
    const response = await this.send((id) => fileUrl(id, path), { method: 'PUT', headers, body: text });
    const saved = await replyOf(response, fileSavedSchema);
    return quotedEtag(saved.etag);
  }

  /** The linter's findings for a Dockerfile's text. */
  async lint(content: string, signal?: AbortSignal): Promise<LintFinding[]> {
    const response = await this.send((id) => `/api/sessions/${encodeURIComponent(id)}/lint`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ content }),
      signal: signal ?? null,
    });
    return (await replyOf(response, lintSchema)).findings;
  }

  /**
   * Uploads a file's bytes to `path`. XMLHttpRequest rather than fetch: only it reports the
   * upload's progress, which a 50 MB file on a slow link needs.
   */
  async upload(path: string, file: Blob, progress: Progress, signal: AbortSignal): Promise<void> {
    const session = await this.session();
    await new Promise<void>((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open('PUT', fileUrl(session.id, path));
      request.setRequestHeader('authorization', `Bearer ${session.token}`);
      request.setRequestHeader('content-type', 'application/octet-stream');
      request.upload.addEventListener('progress', (event) =>
        progress(event.loaded, event.lengthComputable ? event.total : file.size),
      );
      request.addEventListener('load', () => {
        if (request.status >= 200 && request.status < 300) {
          resolve();
          return;
        }
        const response = new Response(request.responseText || null, { status: request.status });
        void refusalOf(response).then(reject);
      });
      request.addEventListener('error', () => reject(new ApiRequestError(0, unreachableMessage)));
      request.addEventListener('abort', () => reject(new DOMException('Envoi annulé.', 'AbortError')));
      signal.addEventListener('abort', () => request.abort(), { once: true });
      request.send(file);
    });
  }

  /** A file, or a folder as a tar, read whole with its progress (content-length when known). */
  async download(path: string, progress: Progress, signal: AbortSignal): Promise<{ blob: Blob; name: string }> {
    const response = await this.send((id) => fileUrl(id, path), { signal });
    const length = Number(response.headers.get('content-length') ?? '');
    const total = Number.isFinite(length) && length > 0 ? length : undefined;
    const type = response.headers.get('content-type') ?? 'application/octet-stream';
    const name =
      dispositionName(response.headers.get('content-disposition')) ??
      (type.startsWith('application/x-tar') ? `${baseName(path)}.tar` : baseName(path));
    const chunks: Uint8Array<ArrayBuffer>[] = [];
    let received = 0;
    const reader = response.body?.getReader();
    if (reader) {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        received += value.byteLength;
        progress(received, total);
      }
    }
    return { blob: new Blob(chunks, { type }), name };
  }
}
