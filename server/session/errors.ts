// The session layer's typed errors. They carry what happened; the HTTP and WebSocket layer
// words them in French for the student.

/**
 * No seat for a new session: the cap is reached (`full`), this client address holds its share
 * (`client`; `maxSessions` is then the per-client limit), or the server is stopping.
 */
export class SessionLimitError extends Error {
  override name = 'SessionLimitError';
  readonly reason: 'full' | 'client' | 'stopping';
  readonly maxSessions: number;
  constructor(reason: 'full' | 'client' | 'stopping', maxSessions: number) {
    super(reason === 'stopping' ? 'server is stopping' : `${reason} session cap of ${maxSessions} reached`);
    this.reason = reason;
    this.maxSessions = maxSessions;
  }
}

/** A session asked for a TP that does not exist. */
export class UnknownLabError extends Error {
  override name = 'UnknownLabError';
  readonly labId: string;
  readonly available: string[];
  constructor(labId: string, available: string[]) {
    super(`unknown lab ${labId.slice(0, 64)}`);
    this.labId = labId;
    this.available = available;
  }
}

/** A step id that the session's TP does not have. */
export class UnknownStepError extends Error {
  override name = 'UnknownStepError';
  readonly stepId: string;
  constructor(stepId: string) {
    super(`unknown step ${stepId.slice(0, 64)}`);
    this.stepId = stepId;
  }
}

/** A question step checked without an answer. */
export class AnswerRequiredError extends Error {
  override name = 'AnswerRequiredError';
}

/** The TP's set-up failed in this sandbox: nothing can be checked until it is reset. */
export class LabNotPreparedError extends Error {
  override name = 'LabNotPreparedError';
  readonly failure: string;
  constructor(failure: string) {
    super(`lab set-up failed: ${failure}`);
    this.failure = failure;
  }
}

/** A check or set-up already runs in this sandbox, and another one waits: this one is refused. */
export class StepBusyError extends Error {
  override name = 'StepBusyError';
}

/** A hint asked for out of turn (hints come one at a time), or one the step does not have. */
/** A final challenge gives neither hints nor its solution: only its check. */
export class ChallengeHelpError extends Error {
  override name = 'ChallengeHelpError';
  constructor(stepId: string) {
    super(`no help for the challenge ${stepId}`);
  }
}

export class HintUnavailableError extends Error {
  override name = 'HintUnavailableError';
  readonly reason: 'too-soon' | 'none-left';
  readonly count: number;
  constructor(reason: 'too-soon' | 'none-left', count: number) {
    super(`hint ${reason} (${count} hints)`);
    this.reason = reason;
    this.count = count;
  }
}
