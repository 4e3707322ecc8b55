// A session opened as a student's page does, timed until its shell's first prompt; and its
// keystroke echo, timed key by key.
import { openSession, TerminalClient, type RunningServer } from '../tests/integration/harness.ts';

export async function timeToPrompt(
  server: RunningServer,
): Promise<{ ms: number; id: string; token: string; terminal: TerminalClient }> {
  const started = performance.now();
  const session = await openSession(server);
  const terminal = new TerminalClient(server, session.id);
  await terminal.open(session.token, undefined, 600_000);
  await terminal.waitFor(() => /# $/.test(terminal.text.trimEnd() + ' '), 30_000, 'the prompt');
  return { ms: performance.now() - started, id: session.id, token: session.token, terminal };
}

/**
 * One key every 10 ms, faster than anyone types, each echo timed from its write to the first
 * byte back; a line cleared every 50 keys. The arrival is stamped by a listener, not by
 * polling: a polling loop would take a core from the server and the sandbox on two cores.
 * The first 100 keys are not counted: a student types for hours, and the server's first
 * seconds (its first full garbage collection, code not yet optimised) once slowed 2 of the
 * first 100 echoes to 16-30 ms.
 */
export async function echoSamples(terminal: TerminalClient, keys: number): Promise<number[]> {
  const warmUp = 100;
  const samples: number[] = [];
  let arrived = 0;
  const stamp = (_data: Buffer, binary: boolean) => {
    if (binary && arrived === 0) arrived = performance.now();
  };
  terminal.ws.on('message', stamp);
  for (let i = 0; i < warmUp + keys; i++) {
    await new Promise((r) => setTimeout(r, 10));
    arrived = 0;
    const started = performance.now();
    terminal.type('x');
    while (arrived === 0) await new Promise((r) => setTimeout(r, 1));
    if (i >= warmUp) samples.push(arrived - started);
    if (i % 50 === 49) {
      terminal.type('\x15');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  terminal.ws.off('message', stamp);
  return samples;
}
