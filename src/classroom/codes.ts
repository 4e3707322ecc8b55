// Tidying what people type as a class code or a recovery code (lower case, spaces, a missing
// « DKR- » or dashes), before the contract's patterns check it.

/** « dkr 7q4p », « 7Q4P » → « DKR-7Q4P ». */
export function normalizeClassCode(input: string): string {
  const compact = input.toUpperCase().replace(/[\s_-]+/g, '');
  const body = compact.startsWith('DKR') ? compact.slice(3) : compact;
  return body.length === 4 ? `DKR-${body}` : input.trim().toUpperCase();
}

/** « abcd efgh jkmn », « ABCDEFGHJKMN » → « ABCD-EFGH-JKMN ». */
export function normalizeRecoveryCode(input: string): string {
  const compact = input.toUpperCase().replace(/[\s_-]+/g, '');
  return compact.length === 12
    ? `${compact.slice(0, 4)}-${compact.slice(4, 8)}-${compact.slice(8)}`
    : input.trim().toUpperCase();
}
