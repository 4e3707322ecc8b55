// Files in and out of the sandbox: uploads (the « Importer » buttons, or files and folders
// dropped from the desktop on the panel or on a folder of the tree) and downloads (a file, or a
// folder as a tar), each with its progress bar and an « Annuler » button. The Bearer token has
// to go in a header, so a download is fetched, then handed to the browser as a Blob URL.
import { type DroppedFile, droppedFiles, type EntryLike } from './dropped-files.ts';
import { ApiRequestError } from '../../api/client.ts';
import type { FilesApi } from './files-api.ts';
import { baseName, formatSize, joinPath } from './paths.ts';

/** The server's upload limit (50 MB); bigger files are refused before sending them. */
export const maxUploadBytes = 50 * 1024 * 1024;

export type Report = (text: string, kind: 'info' | 'error') => void;

interface Row {
  update(done: number, total: number | undefined): void;
  close(): void;
  signal: AbortSignal;
}

export class Transfers {
  private readonly api: FilesApi;
  private readonly host: HTMLElement;
  private readonly report: Report;
  private readonly running = new Set<AbortController>();

  constructor(api: FilesApi, host: HTMLElement, report: Report) {
    this.api = api;
    this.host = host;
    this.report = report;
  }

  private row(label: string): Row {
    const controller = new AbortController();
    this.running.add(controller);
    const row = document.createElement('div');
    row.className = 'transfer';
    const text = document.createElement('span');
    text.className = 'transfer-label';
    text.textContent = label;
    const bar = document.createElement('progress');
    bar.setAttribute('aria-label', label);
    const amount = document.createElement('span');
    amount.className = 'transfer-amount';
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.className = 'editor-button small';
    cancel.textContent = 'Annuler';
    cancel.addEventListener('click', () => controller.abort());
    row.append(text, bar, amount, cancel);
    this.host.append(row);
    return {
      signal: controller.signal,
      update(done, total) {
        if (total) {
          bar.max = total;
          bar.value = done;
          amount.textContent = `${formatSize(done)} / ${formatSize(total)}`;
        } else {
          // A folder's tar has no announced size: an indeterminate bar and what came so far.
          bar.removeAttribute('value');
          amount.textContent = formatSize(done);
        }
      },
      close: () => {
        this.running.delete(controller);
        row.remove();
      },
    };
  }

  /**
   * Uploads files into `folder` (a dropped folder's files keep their paths in it);
   * `confirmReplace` is asked before overwriting a file the tree shows. Gives the paths written.
   */
  async upload(
    files: readonly DroppedFile[],
    folder: string,
    exists: (path: string) => boolean,
    confirmReplace: (path: string) => Promise<boolean>,
  ): Promise<string[]> {
    const written: string[] = [];
    const many = files.length > 1;
    for (const [index, { file, relative }] of files.entries()) {
      const path = joinPath(folder, relative);
      if (file.size > maxUploadBytes) {
        this.report(
          `« ${relative} » fait ${formatSize(file.size)} : le bac à sable accepte ${formatSize(maxUploadBytes)} au plus par fichier.`,
          'error',
        );
        continue;
      }
      if (exists(path) && !(await confirmReplace(path))) continue;
      const row = this.row(many ? `Envoi de ${relative} (${index + 1} sur ${files.length})` : `Envoi de ${relative}`);
      row.update(0, file.size);
      try {
        await this.api.upload(path, file, (done, total) => row.update(done, total), row.signal);
        written.push(path);
        if (!many) this.report(`« ${relative} » est dans ${folder}.`, 'info');
      } catch (error) {
        if ((error as Error).name === 'AbortError') {
          this.report(`Envoi de « ${relative} » annulé${many ? ', et des suivants' : ''}.`, 'info');
          break;
        }
        this.report(`« ${relative} » n’a pas pu être envoyé : ${(error as Error).message}`, 'error');
        // A full disk fails every next file the same way.
        if (error instanceof ApiRequestError && error.status === 507) break;
      } finally {
        row.close();
      }
    }
    if (many && written.length > 0) {
      this.report(
        `${written.length} fichier${written.length > 1 ? 's' : ''} sur ${files.length} envoyé${written.length > 1 ? 's' : ''} dans ${folder}.`,
        'info',
      );
    }
    return written;
  }

  /** Downloads a file, or a folder as a tar, to the student's computer. */
  async download(path: string, folder: boolean): Promise<void> {
    const name = baseName(path);
    const row = this.row(`Téléchargement de ${name}${folder ? ' (archive tar)' : ''}`);
    row.update(0, undefined);
    try {
      const { blob, name: fileName } = await this.api.download(
        path,
        (done, total) => row.update(done, total),
        row.signal,
      );
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = fileName;
      link.hidden = true;
      document.body.append(link);
      link.click();
      link.remove();
      // The browser reads the Blob after click() returns: let it finish before freeing it.
      window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
      this.report(`« ${fileName} » téléchargé (${formatSize(blob.size)}).`, 'info');
    } catch (error) {
      if ((error as Error).name === 'AbortError') this.report(`Téléchargement de « ${name} » annulé.`, 'info');
      else if (error instanceof ApiRequestError) this.report(`Téléchargement impossible : ${error.message}`, 'error');
      else this.report(`Téléchargement interrompu : ${(error as Error).message}`, 'error');
    } finally {
      row.close();
    }
  }

  cancelAll(): void {
    for (const controller of this.running) controller.abort();
  }
}

export interface DropHooks {
  /** The folder a drop on `target` goes to. */
  folderAt(target: EventTarget | null): string;
  onFiles(files: DroppedFile[], folder: string): void;
  /** The folder a drop would now go to (to say so while dragging). */
  onTarget(folder: string): void;
  report: Report;
}

/** Desktop files dropped on `zone` (the panel); the folder under the pointer is highlighted. */
export function watchDrops(zone: HTMLElement, hooks: DropHooks, signal: AbortSignal): void {
  let depth = 0;
  let highlighted: Element | null = null;
  const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
  const highlight = (target: EventTarget | null) => {
    const folder = hooks.folderAt(target);
    const item = zone.querySelector(`[data-file="${CSS.escape(folder)}"]`);
    if (item === highlighted) return;
    highlighted?.classList.remove('drop-target');
    item?.classList.add('drop-target');
    highlighted = item;
    hooks.onTarget(folder);
  };
  const clear = () => {
    depth = 0;
    zone.classList.remove('dragging');
    highlighted?.classList.remove('drop-target');
    highlighted = null;
  };
  const options = { signal };
  zone.addEventListener(
    'dragenter',
    (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth += 1;
      zone.classList.add('dragging');
      highlight(event.target);
    },
    options,
  );
  zone.addEventListener(
    'dragover',
    (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
      highlight(event.target);
    },
    options,
  );
  zone.addEventListener(
    'dragleave',
    (event) => {
      if (!carriesFiles(event)) return;
      depth -= 1;
      if (depth <= 0) clear();
    },
    options,
  );
  zone.addEventListener(
    'drop',
    (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      const folder = hooks.folderAt(event.target);
      clear();
      // Taken now: the browser empties the DataTransfer once the event is over.
      const entries = [...(event.dataTransfer?.items ?? [])]
        .filter((item) => item.kind === 'file')
        .map((item): EntryLike | File | null => item.webkitGetAsEntry?.() ?? item.getAsFile())
        .filter((entry): entry is EntryLike | File => entry !== null);
      void droppedFiles(entries, (message) => hooks.report(message, 'error')).then((files) => {
        if (files.length > 0) hooks.onFiles(files, folder);
      });
    },
    options,
  );
  // A file dropped next to the panel would make the browser leave the TP to show it.
  window.addEventListener(
    'dragover',
    (event) => {
      if (carriesFiles(event)) event.preventDefault();
    },
    options,
  );
  window.addEventListener(
    'drop',
    (event) => {
      if (carriesFiles(event) && !zone.contains(event.target as Node)) event.preventDefault();
    },
    options,
  );
}
