// Sandbox paths for the editor (POSIX, absolute, under /root or /tmp) and the API URLs that name
// them; pure, so the rules for a new file's name are unit-tested.

/** The student's home, where the TP folders are: the tree's root. */
export const homeFolder = '/root';

/** The last segment of a path (`/root/tp/Dockerfile` → `Dockerfile`). */
export function baseName(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1) || '/';
}

/** The folder holding a path (`/root/tp/Dockerfile` → `/root/tp`); `/` for a top-level one. */
export function parentFolder(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const index = trimmed.lastIndexOf('/');
  return index <= 0 ? '/' : trimmed.slice(0, index);
}

/** Whether `path` is `folder` or inside it. */
export function isWithin(path: string, folder: string): boolean {
  const base = folder.replace(/\/+$/, '');
  return path === base || path.startsWith(base + '/');
}

/** The folders from `root` (excluded) down to the one holding `path` (`/root/a/b/f` → a, a/b). */
export function ancestorsOf(path: string, root = homeFolder): string[] {
  const folders: string[] = [];
  for (let folder = parentFolder(path); isWithin(folder, root) && folder !== root; folder = parentFolder(folder)) {
    folders.unshift(folder);
  }
  return folders;
}

/**
 * The problem with a name typed for a new file (relative to `folder`, or absolute), in French, or
 * undefined when it is fine. `..` is refused: the form creates files, it does not navigate.
 */
export function newFileNameProblem(name: string): string | undefined {
  const trimmed = name.trim();
  if (trimmed === '') return 'Donnez un nom au fichier, par exemple Dockerfile.';
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return 'Le nom contient un caractère de contrôle.';
  if (trimmed.endsWith('/')) return 'Le nom se termine par « / » : donnez un nom de fichier, pas de dossier.';
  const segments = trimmed.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) return 'Le nom ne peut pas contenir « .. » : choisissez le dossier dans l’arborescence.';
  if (segments.some((segment) => segment.length > 255)) return 'Le nom est trop long (255 caractères au plus).';
  if (segments.length === 0) return 'Donnez un nom au fichier, par exemple Dockerfile.';
  return undefined;
}

/** The absolute path of `name` typed in `folder` (an absolute name stays as it is), normalised. */
export function joinPath(folder: string, name: string): string {
  const trimmed = name.trim();
  const joined = trimmed.startsWith('/') ? trimmed : `${folder.replace(/\/+$/, '')}/${trimmed}`;
  const segments = joined.split('/').filter((segment) => segment !== '' && segment !== '.');
  return '/' + segments.join('/');
}

/** The API URL of a sandbox file: `/api/sessions/<id>/files/root/tp/Dockerfile`. */
export function fileUrl(sessionId: string, path: string, edit = false): string {
  const encoded = path
    .replace(/^\/+/, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
  return `/api/sessions/${encodeURIComponent(sessionId)}/files/${encoded}${edit ? '?edit=1' : ''}`;
}

const sizeFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/** A size in French units (octets, Ko, Mo, Go; 1 Ko = 1024 octets, as the server counts). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} o`;
  const units = ['Ko', 'Mo', 'Go'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${sizeFormat.format(value)} ${units[unit]}`;
}

/** The file name a download's Content-Disposition gives (its UTF-8 form first), if any. */
export function dispositionName(header: string | null): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // A malformed encoding: fall back to the plain form.
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)/i.exec(header);
  const name = (plain?.[1] ?? plain?.[2])?.trim();
  return name || undefined;
}
