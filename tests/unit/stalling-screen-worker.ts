// A screen worker that gets stuck for good (a busy loop) on a batch whose output says STALL,
// and is the real one otherwise: screen.test.ts uses it to see a stalled worker replaced.
import { parentPort } from 'node:worker_threads';
import type { MirrorRequest } from '../../server/terminal/screen.ts';

parentPort?.on('message', (message: MirrorRequest) => {
  if (message.type === 'batch' && message.data && Buffer.from(message.data).includes('STALL')) {
    for (;;) {
      // stuck: never answers again
    }
  }
});
await import('../../server/terminal/screen-worker.ts');
