// The screen mirrors' thread: one headless xterm.js per session parses the shell's output, so
// that a browser that reconnects gets the current screen and scrollback back. Parsing runs
// here, off the main thread, so it never delays keystrokes or other sessions' output. Each
// session sends one batch at a time (screen.ts), answered once parsed.
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';
import type { MirrorReply, MirrorRequest } from './screen.ts';
import { runInBackground } from '../threads/background.ts';

runInBackground();

const require = createRequire(import.meta.url);
// Both packages are CommonJS without named exports Node can detect.
const { Terminal } = require('@xterm/headless') as typeof import('@xterm/headless');
const { SerializeAddon } = require('@xterm/addon-serialize') as typeof import('@xterm/addon-serialize');

interface Screen {
  terminal: InstanceType<typeof Terminal>;
  serializer: InstanceType<typeof SerializeAddon>;
  scrollback: number;
}

const screens = new Map<number, Screen>();
const port = parentPort;
if (!port) throw new Error('screen-worker.ts runs as a worker thread');
const reply = (message: MirrorReply) => port.postMessage(message);

port.on('message', (message: MirrorRequest) => {
  if (message.type === 'open') {
    screens.get(message.id)?.terminal.dispose();
    const terminal = new Terminal({
      cols: message.cols,
      rows: message.rows,
      scrollback: message.scrollback,
      allowProposedApi: true,
    });
    const serializer = new SerializeAddon();
    terminal.loadAddon(serializer);
    screens.set(message.id, { terminal, serializer, scrollback: message.scrollback });
    return;
  }
  if (message.type === 'close') {
    screens.get(message.id)?.terminal.dispose();
    screens.delete(message.id);
    return;
  }
  const { id, snapshots } = message;
  const screen = screens.get(id);
  if (!screen) {
    if (snapshots.length > 0) reply({ type: 'snapshot', id, requests: snapshots, data: '' });
    reply({ type: 'done', id });
    return;
  }
  // The previous batch of this session is parsed (it was answered before this one was sent).
  // The latest size applies to the whole batch, some of which the shell may have printed before
  // the resize: the resize's reflow would have given the same lines.
  if (message.size) screen.terminal.resize(message.size.cols, message.size.rows);
  if (message.reset) screen.terminal.write('\x1bc');
  screen.terminal.write(message.data ?? '', () => {
    if (snapshots.length > 0)
      reply({
        type: 'snapshot',
        id,
        requests: snapshots,
        data: screen.serializer.serialize({ scrollback: screen.scrollback }),
      });
    reply({ type: 'done', id });
  });
});

reply({ type: 'started' });
