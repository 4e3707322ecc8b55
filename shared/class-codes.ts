// Tidying what people type as a class code or a recovery code (lower case, spaces, a missing
// « DKR- » or dashes), before the contract's patterns check it; the server tidies the same way.

/** « dkr 7q4p m3xa », « 7Q4PM3XA » → « DKR-7Q4P-M3XA ». */
export function normalizeClassCode(input: string): string {
  const compact = input.toUpperCase().replace(/[\s_-]+/g, '');
  const body = compact.startsWith('DKR') ? compact.slice(3) : compact;
  return body.length === 8 ? `DKR-${body.slice(0, 4)}-${body.slice(4)}` : input.trim().toUpperCase();
}

/** « abcd efgh jkmn », « ABCDEFGHJKMN » → « ABCD-EFGH-JKMN ». */
export function normalizeRecoveryCode(input: string): string {
  const compact = input.toUpperCase().replace(/[\s_-]+/g, '');
  return compact.length === 12
    ? `${compact.slice(0, 4)}-${compact.slice(4, 8)}-${compact.slice(8)}`
    : input.trim().toUpperCase();
}
