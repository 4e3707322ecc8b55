// The screen mirrors' thread: one headless xterm.js per session parses the shell's output, so
// that a browser that reconnects gets the current screen and scrollback back. Parsing runs
// here, off the main thread, so it never delays keystrokes or other sessions' output.
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';
import type { MirrorReply, MirrorRequest } from './screen.ts';

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
  const screen = screens.get(message.id);
  if (!screen) {
    if (message.type === 'snapshot') reply({ type: 'snapshot', id: message.id, request: message.request, data: '' });
    return;
  }
  switch (message.type) {
    case 'write':
    case 'reset': {
      // A full reset (RIS) in the stream, not terminal.reset(): writes are parsed later, in order.
      if (message.type === 'reset') screen.terminal.write('\x1bc');
      const bytes = message.data.byteLength;
      screen.terminal.write(message.data, () => reply({ type: 'ack', id: message.id, bytes }));
      return;
    }
    case 'resize':
      screen.terminal.resize(message.cols, message.rows);
      return;
    case 'snapshot':
      // The empty write's callback runs once everything written before it is parsed.
      screen.terminal.write('', () =>
        reply({
          type: 'snapshot',
          id: message.id,
          request: message.request,
          data: screen.serializer.serialize({ scrollback: screen.scrollback }),
        }),
      );
      return;
    case 'close':
      screen.terminal.dispose();
      screens.delete(message.id);
      return;
  }
});
