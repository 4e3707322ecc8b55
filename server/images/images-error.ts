// The error the image builder throws: a French message for the person running it, plus the
// end of the failing command's log when there is one.
export class ImagesError extends Error {
  /** Last lines of the failing build or command, already included in the message. */
  readonly logTail: string | undefined;
  /** Full log of the failing step, when it was written to a file. */
  readonly logFile: string | undefined;

  constructor(message: string, details: { logTail?: string; logFile?: string } = {}) {
    const parts = [message];
    if (details.logTail) parts.push(`--- fin du journal ---\n${details.logTail}\n---`);
    if (details.logFile) parts.push(`Journal complet : ${details.logFile}`);
    super(parts.join('\n'));
    this.name = 'ImagesError';
    this.logTail = details.logTail;
    this.logFile = details.logFile;
  }
}
