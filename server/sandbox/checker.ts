// How checks reach the sandbox: from its checker container, through the sandbox-checker wrapper
// of the sandbox image (server/sandbox/image/sandbox-checker), and what its output means.
import { evidenceLimits } from '../../shared/limits.ts';

/** The sandbox's root as the checker sees it (the sandbox's pid 1 is the checker's pid 1). */
export const sandboxRoot = '/proc/1/root';

/**
 * The checker's wrapper around a check or a set-up: it refuses to judge a sandbox whose system
 * folders were mounted over, and binds the Docker CLI to the sandbox's verified engine.
 */
export const checkerCommand = ['sandbox-checker', '--mounts', '--engine', '--'];

/** sandbox-checker's exit status when it refuses to judge (its last line says why, in French). */
export const refusedStatus = 3;

/** How a check script marks a line of evidence (the library's `evidence` helper prints it). */
export const evidenceMark = '::preuve:: ';

/** The last non-empty line a check printed, evidence aside: its message. */
export function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith(evidenceMark.trim()));
  return (lines.at(-1) ?? '').slice(0, 1000);
}

/** The evidence lines a check printed, bounded. */
export function evidenceLines(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(evidenceMark))
    .map((l) => l.slice(evidenceMark.length).trim().slice(0, evidenceLimits.chars))
    .filter(Boolean)
    .slice(0, evidenceLimits.lines);
}
