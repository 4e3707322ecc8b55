// The forms two display names are compared on: without accents, case-folded, and through the
// Unicode TR39 skeleton (the confusables table of unhomoglyph), so that « Léa », « LÉA »,
// « Le\u0301a » and a Cyrillic « Lеа » cannot sit side by side in one class.
import unhomoglyph from 'unhomoglyph';

const stripMarks = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '');
/** TR39's skeleton is NFD(map(NFD(text))); accents go too, since they are easy to miss. */
const skeleton = (text: string) => stripMarks(unhomoglyph(stripMarks(text)));
/** Full case folding, near enough: « ß » → « ss », « İ » → « i ». */
const lower = (text: string) => text.toUpperCase().toLowerCase();
const tidy = (text: string) => text.replace(/\s+/gu, ' ').trim();

/**
 * Two folds, since case and the table do not commute: the table maps a capital I to l (they
 * look the same in most fonts) but leaves i alone. Lowering first catches « Iris » / « iris »,
 * mapping first catches « Iris » / « lris » and letters whose lower case the table misses.
 */
export function nameFolds(name: string): string[] {
  const text = name.normalize('NFKC');
  const lowerFirst = tidy(lower(skeleton(skeleton(lower(text)))));
  const mapFirst = tidy(lower(skeleton(lower(skeleton(text)))));
  return lowerFirst === mapFirst ? [lowerFirst] : [lowerFirst, mapFirst];
}

/** Whether two display names would be mistaken for one another on the instructor's screen. */
export function looksAlike(a: string, b: string): boolean {
  const folds = new Set(nameFolds(a));
  return nameFolds(b).some((fold) => folds.has(fold));
}
