// Tidying what people type as a class code or a recovery code: the contract's own rules.
export { normalizeClassCode, normalizeRecoveryCode } from '../../shared/class-codes.ts';
