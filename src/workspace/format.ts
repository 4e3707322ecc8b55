// French wording of the workspace tabs: sizes in Ko/Mo/Go, percentages, counts of files. Pure,
// so the unit tests pin the exact texts the tabs show.

const nbsp = '\u00a0';
const narrowNbsp = '\u202f';
const units = ['o', 'Ko', 'Mo', 'Go', 'To'] as const;
const oneDecimalFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const noDecimalFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
// ICU versions differ on the thousands separator (no-break or narrow no-break space): pin the
// narrow one, so every browser (and the tests) writes « 1 800 » alike.
const pinned = (format: Intl.NumberFormat) => ({
  format: (value: number) => format.format(value).replace(/[\s\u00a0\u202f]/g, narrowNbsp),
});
const oneDecimal = pinned(oneDecimalFormat);
const noDecimal = pinned(noDecimalFormat);

/**
 * A size in bytes as « 245 Mo », « 1,5 Ko »: powers of 1000, as `docker images` counts, so the
 * figures match what the student reads in the terminal.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return `0${nbsp}o`;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  // Three significant figures at most: « 12,3 Mo », « 245 Mo »; whole bytes have no decimals.
  const digits = unit === 0 || value >= 100 ? noDecimal : oneDecimal;
  return `${digits.format(value)}${nbsp}${units[unit]}`;
}

/** A ratio between 0 and 1 as « 95,3 % » (a near-total ratio is not rounded up to 100 %). */
export function formatPercent(ratio: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(ratio) ? ratio : 0));
  // In tenths of a point; 99,96 % stays 99,9 %: an image that wastes a byte is not « 100 % ».
  const tenths = clamped < 1 ? Math.min(Math.round(clamped * 1000), 999) : 1000;
  return `${oneDecimal.format(tenths / 10)}${narrowNbsp}%`;
}

/** « 0 fichier », « 1 fichier », « 12 fichiers » (French plural: 0 and 1 are singular). */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${noDecimal.format(count)}${nbsp}${Math.abs(count) < 2 ? singular : pluralForm}`;
}

export type FileChange = 'added' | 'modified' | 'removed';

/** How a change is named next to a file, and in the change filter. */
export const changeLabels: Record<FileChange, { one: string; many: string }> = {
  added: { one: 'ajouté', many: 'ajoutés' },
  modified: { one: 'modifié', many: 'modifiés' },
  removed: { one: 'supprimé', many: 'supprimés' },
};

/** « 12 ajoutés, 3 modifiés, 1 supprimé » for a layer's counts. */
export function formatChanges(counts: Record<FileChange, number>): string {
  return (Object.keys(changeLabels) as FileChange[])
    .map((change) => plural(counts[change], changeLabels[change].one, changeLabels[change].many))
    .join(', ');
}

/** A path of a layer (stored without its leading slash) as the student knows it: /etc/passwd. */
export function absolutePath(path: string): string {
  return path.startsWith('/') ? path : `/${path}`;
}
