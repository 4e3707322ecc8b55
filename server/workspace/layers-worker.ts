// The layer explorer's thread: reads the `docker save` streams layers-thread.ts feeds it, one at
// a time, chunk by chunk, and sends back each image's explored layers. Parsing runs here, off the
// main thread, so that a crafted image never delays the terminals and requests of the class;
// the main thread ends this thread when an exploration overruns.
import { PassThrough } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { exploreSaveStream, ImageFormatError, ImageTooComplexError, ImageTooManyFilesError } from './layers.ts';
import type { LayerReply, LayerRequest } from './layers-thread.ts';
import { runInBackground } from '../threads/background.ts';

runInBackground();

const port = parentPort;
if (!port) throw new Error('layers-worker.ts runs as a worker thread');
const reply = (message: LayerReply) => port.postMessage(message);

/** The exploration under way: its id and the stream its chunks go into. */
let current: { id: number; input: PassThrough } | undefined;

function failure(id: number, error: unknown): LayerReply {
  if (error instanceof ImageTooComplexError)
    return { type: 'failed', id, kind: 'complex', reason: error.reason, value: error.value };
  if (error instanceof ImageTooManyFilesError) return { type: 'failed', id, kind: 'files' };
  if (error instanceof ImageFormatError) return { type: 'failed', id, kind: 'format', detail: error.message };
  return { type: 'failed', id, kind: 'other', detail: error instanceof Error ? error.message : String(error) };
}

port.on('message', (request: LayerRequest) => {
  switch (request.type) {
    case 'start': {
      current?.input.destroy();
      const input = new PassThrough();
      const job = { id: request.id, input };
      current = job;
      // Test hooks: an exploration stuck in a synchronous loop, a thread that dies.
      if (request.spinMs) {
        const end = performance.now() + request.spinMs;
        while (performance.now() < end) {
          // Busy on purpose: only terminating the thread stops it.
        }
      }
      if (request.crash) {
        setImmediate(() => {
          throw new Error('layers-worker: crash requested by a test');
        });
        return;
      }
      exploreSaveStream(input, request.limits)
        .then(
          (image) => reply({ type: 'done', id: request.id, image }),
          (error: unknown) => reply(failure(request.id, error)),
        )
        .finally(() => {
          input.destroy();
          if (current === job) current = undefined;
        });
      return;
    }
    case 'chunk': {
      const job = current;
      if (!job || job.id !== request.id) return;
      const bytes = request.data.byteLength;
      // Acknowledged once the parser took it: the main thread sends more only then.
      job.input.write(request.data, () => reply({ type: 'ack', id: request.id, bytes }));
      return;
    }
    case 'end':
      if (current?.id === request.id) current.input.end();
      return;
    case 'abort':
      if (current?.id === request.id) {
        current.input.destroy();
        current = undefined;
      }
      return;
  }
});

// Once the parser is loaded: explorations are timed from here, not from a cold start.
reply({ type: 'ready' });
