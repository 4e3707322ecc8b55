// A session opened as a student's page does, timed until its shell's first prompt.
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
