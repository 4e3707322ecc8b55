// Types of the checker runner: what a check gets to look at the sandbox, and what it answers.
import type { Logger } from '../log/log.ts';

/** The result of a check, as sent to the browser: passed or not, and a French message. */
export interface CheckResult {
  passed: boolean;
  message: string;
  /**
   * What the check saw (image ids, digests, lines it read), for the instructor: kept with the
   * result, shown on the dashboard and in the CSV, never sent to the student.
   */
  evidence?: string[];
}

/** What a TypeScript check may use: looks into the student's sandbox, from its checker. */
export interface CheckContext {
  /**
   * Reads a file of the sandbox (as root); null when it does not exist. A file longer than
   * `maxBytes` (default 512 KB) comes back cut at that many bytes.
   */
  readFile(path: string, maxBytes?: number): Promise<string | null>;
  /**
   * Runs a command from the sandbox's checker (never in the student's shell), with the Docker CLI
   * bound to the sandbox's engine; the sandbox's files are under $SANDBOX_ROOT.
   */
  exec(command: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  /** For what the operators should know of (a check that failed on its own side). */
  log?: Logger;
}

/** A check written in TypeScript; `options` come from the step's front matter. */
export type TsCheck = (context: CheckContext, options: Record<string, string>) => Promise<CheckResult>;
