// The classroom's refusals, typed so that http/errors.ts words each one with its own status.
import { ClassJoinError } from '../progress/classes.ts';

export class ClassNotFoundError extends Error {
  override name = 'ClassNotFoundError';
}
export class ClassEndedError extends Error {
  override name = 'ClassEndedError';
}
export { ClassJoinError };
/** Something the class does not allow (a TP outside the class, too many sessions). */
export class ClassRuleError extends Error {
  override name = 'ClassRuleError';
  /** `address`: the sandboxes of the members joined from one address are at their bound. */
  readonly reason: 'lab' | 'sessions' | 'unknown-lab' | 'unknown-deck' | 'ends-at' | 'step' | 'address';
  constructor(reason: ClassRuleError['reason'], message: string = reason) {
    super(message);
    this.reason = reason;
  }
}
