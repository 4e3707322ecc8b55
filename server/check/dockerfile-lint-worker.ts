// The Dockerfile linter's thread: lints the Dockerfiles dockerfile-lint-thread.ts sends, one at a
// time, off the main thread, so that a Dockerfile slow to lint never delays the terminals and
// requests of the other students; the main thread ends this thread when a lint overruns.
import { parentPort } from 'node:worker_threads';
import { lintDockerfile } from './dockerfile-lint.ts';
import type { LintReply, LintRequest } from './dockerfile-lint-thread.ts';
import { runInBackground } from '../threads/background.ts';

runInBackground();

const port = parentPort;
if (!port) throw new Error('dockerfile-lint-worker.ts runs as a worker thread');
const reply = (message: LintReply) => port.postMessage(message);

port.on('message', (request: LintRequest) => {
  // Test hooks: a lint that overruns, a thread that dies.
  if (request.spinMs) {
    const end = performance.now() + request.spinMs;
    while (performance.now() < end) {
      // Busy on purpose: only terminating the thread stops it.
    }
  }
  if (request.crash) {
    setImmediate(() => {
      throw new Error('dockerfile-lint-worker: crash requested by a test');
    });
    return;
  }
  try {
    reply({ type: 'findings', id: request.id, findings: lintDockerfile(request.text) });
  } catch (error) {
    reply({ type: 'failed', id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
});

// Once the linter and its parser are loaded: lints are timed from here, not from a cold start.
reply({ type: 'ready' });
