// The server's worker threads (linter, layer explorer, screen mirror) run below its main
// thread's CPU priority: the main thread answers every student's requests and carries every
// terminal, and on a busy machine a lint or an exploration should wait a few milliseconds
// rather than them. Linux keeps a nice value per thread, and lowering one needs no privilege.
import { setPriority } from 'node:os';

/** How much lower a worker thread runs than the main thread (nice steps, 0-19). */
export const backgroundNice = 5;

/** Called first thing in a worker thread: lowers this thread only (pid 0 is the calling thread). */
export function runInBackground(): void {
  try {
    setPriority(0, backgroundNice);
  } catch {
    // Not Linux, or a sandbox that refuses: the thread keeps the main thread's priority.
  }
}
