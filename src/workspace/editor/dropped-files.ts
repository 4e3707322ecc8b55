// What a drop from the desktop carries: files, and whole folders walked through the browser's
// FileSystemEntry API into files with their paths inside the folder (a folder picked with
// « Importer un dossier » comes as such files already, each with its webkitRelativePath).
// Bounded, so that dropping a project with its node_modules/ or .git/ is refused at once with a
// French message rather than sent file by file for minutes.

/** A file to send, with its path relative to the folder it is dropped on (`app/main.go`). */
export interface DroppedFile {
  file: File;
  relative: string;
}

/** Files and levels one dropped folder may hold. */
export const folderLimits = { files: 500, depth: 12, bytes: 200 * 1024 * 1024 };

/** The parts of FileSystemEntry this module uses (a fake one in the unit tests). */
export interface EntryLike {
  name: string;
  isFile: boolean;
  isDirectory: boolean;
}
export interface FileEntryLike extends EntryLike {
  file(success: (file: File) => void, failure?: (error: unknown) => void): void;
}
export interface DirectoryEntryLike extends EntryLike {
  createReader(): {
    readEntries(success: (entries: EntryLike[]) => void, failure?: (error: unknown) => void): void;
  };
}

/** A drop that cannot be sent as it is: the French reason. */
export class DropRefused extends Error {
  override name = 'DropRefused';
}

const fileOf = (entry: FileEntryLike) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));

/** A folder's entries: the browser gives them in batches until an empty one. */
async function childrenOf(entry: DirectoryEntryLike): Promise<EntryLike[]> {
  const reader = entry.createReader();
  const all: EntryLike[] = [];
  for (;;) {
    const batch = await new Promise<EntryLike[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return all;
    all.push(...batch);
    if (all.length > folderLimits.files) return all;
  }
}

const tooBig = (name: string) =>
  new DropRefused(
    `« ${name} » est trop gros pour être déposé (${folderLimits.files} fichiers et 200 Mo au plus) : envoyez une archive (.tar), puis extrayez-la dans le terminal (tar -xf).`,
  );
const tooDeep = (name: string) =>
  new DropRefused(
    `« ${name} » a plus de ${folderLimits.depth} niveaux de dossiers : envoyez une archive (.tar), puis extrayez-la dans le terminal (tar -xf).`,
  );

/** The files of a dropped folder, as `<folder>/<path>`; throws DropRefused past the limits. */
export async function filesOfFolder(folder: DirectoryEntryLike): Promise<DroppedFile[]> {
  const out: DroppedFile[] = [];
  let bytes = 0;
  const walk = async (entry: DirectoryEntryLike, prefix: string, depth: number): Promise<void> => {
    if (depth > folderLimits.depth) {
      throw tooDeep(folder.name);
    }
    for (const child of await childrenOf(entry)) {
      const relative = `${prefix}/${child.name}`;
      if (child.isDirectory) {
        await walk(child as DirectoryEntryLike, relative, depth + 1);
      } else if (child.isFile) {
        const file = await fileOf(child as FileEntryLike);
        bytes += file.size;
        out.push({ file, relative });
      }
      if (out.length > folderLimits.files || bytes > folderLimits.bytes) {
        throw tooBig(folder.name);
      }
    }
  };
  await walk(folder, folder.name, 1);
  if (out.length === 0) {
    throw new DropRefused(`« ${folder.name} » est vide : il n’y a rien à envoyer.`);
  }
  return out;
}

/** The files of a folder picked with « Importer un dossier », the same limits checked. */
export function filesOfPickedFolder(files: readonly File[]): DroppedFile[] {
  const picked = files.map((file) => ({ file, relative: file.webkitRelativePath || file.name }));
  const name = picked[0]?.relative.split('/')[0] ?? '';
  if (picked.length === 0) throw new DropRefused('Ce dossier est vide : il n’y a rien à envoyer.');
  const bytes = picked.reduce((sum, { file }) => sum + file.size, 0);
  if (picked.length > folderLimits.files || bytes > folderLimits.bytes) throw tooBig(name);
  if (picked.some(({ relative }) => relative.split('/').length - 1 > folderLimits.depth)) throw tooDeep(name);
  return picked;
}

/**
 * The files a drop carries, folders walked. The entries must be taken from the DataTransfer
 * during the drop event itself: the browser empties it afterwards.
 */
export async function droppedFiles(
  entries: readonly (EntryLike | File)[],
  report: (message: string) => void,
): Promise<DroppedFile[]> {
  const out: DroppedFile[] = [];
  for (const entry of entries) {
    if (entry instanceof File) {
      out.push({ file: entry, relative: entry.name });
    } else if (entry.isDirectory) {
      try {
        out.push(...(await filesOfFolder(entry as DirectoryEntryLike)));
      } catch (error) {
        report(
          error instanceof DropRefused
            ? error.message
            : `« ${entry.name} » n’a pas pu être lu par le navigateur : déposez ses fichiers un à un.`,
        );
      }
    } else if (entry.isFile) {
      try {
        out.push({ file: await fileOf(entry as FileEntryLike), relative: entry.name });
      } catch {
        report(`« ${entry.name} » n’a pas pu être lu par le navigateur : réessayez avec « Importer ».`);
      }
    }
  }
  return out;
}
