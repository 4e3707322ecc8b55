// A class member's display name as typed: Unicode NFKC, one space between words, and refused
// when it hides characters (zero-width, direction marks, fillers) or shows nothing but blanks.
// Plain code without zod, so the join page checks the same rules before sending.

/** Variation selectors only choose how an emoji is drawn: dropped rather than refused. */
const variationSelectors = /[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/gu;
/**
 * Characters that draw nothing or reorder the text around them: controls, format characters
 * (zero-width spaces and joiners, direction marks and isolates, the BOM), Unicode's default
 * ignorables (Hangul fillers, the combining grapheme joiner), private use, lone surrogates.
 */
const hidden = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;
/** More accents than this stacked on one letter is drawing over the neighbours' names. */
const maxStackedMarks = 3;
const stacked = new RegExp(`\\p{M}{${maxStackedMarks + 1},}`, 'u');

export type DisplayName = { ok: true; name: string } | { ok: false; message: string };

/** The name to keep, or why it is refused (French, for the form). */
export function normalizeDisplayName(input: string, maxLength: number): DisplayName {
  const name = input
    .normalize('NFKC')
    .replace(variationSelectors, '')
    .replace(/[\p{White_Space}]+/gu, ' ')
    .trim();
  if (hidden.test(name)) {
    return {
      ok: false,
      message:
        'Nom : caractères invisibles ou de mise en forme interdits (espace sans largeur, marque de direction…). Retapez-le au clavier.',
    };
  }
  if (!/[\p{L}\p{N}]/u.test(name)) return { ok: false, message: 'Nom : au moins une lettre ou un chiffre.' };
  if (stacked.test(name)) return { ok: false, message: 'Nom : trop d’accents empilés sur une même lettre.' };
  if ([...name].length > maxLength) return { ok: false, message: `Nom : ${maxLength} caractères au plus.` };
  return { ok: true, name };
}
