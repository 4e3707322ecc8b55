// Cheats a root student might try to turn a check green without the work, against the real
// engine: each cheat, then the check, which must stay red; then the real work, which passes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionCreated } from '../../shared/contract.ts';
import { api, createSession, leftovers, startServer, TerminalClient, type RunningServer } from './harness.ts';

let server: RunningServer;
let session: SessionCreated;
let terminal: TerminalClient;

beforeAll(async () => {
  server = await startServer();
  session = await createSession(server, 'tp-images');
  terminal = new TerminalClient(server, session.id);
  await terminal.open(session.token, undefined, 600_000);
}, 600_000);

afterAll(async () => {
  terminal?.close();
  await server?.stop();
  expect(await leftovers()).toEqual([]);
});

const check = async (stepId: string) =>
  (await api(server, 'POST', `/api/sessions/${session.id}/steps/${stepId}/check`, { token: session.token })).body as {
    passed: boolean;
    message: string;
  };

describe('checks out of the student’s reach', () => {
  it('a state file written before the step’s set-up neither skips the set-up nor fools the check', async () => {
    // The old set-up skipped its work when this file existed, and the check read its ids.
    await terminal.run(
      'mkdir -p /run/cours-docker && echo sha256:0000000000000000000000000000000000000000000000000000000000000000 > /run/cours-docker/tp-images-prune.ids',
    );
    const setup = await api(server, 'POST', `/api/sessions/${session.id}/steps/prune/setup`, { token: session.token });
    expect(setup.status).toBe(200);
    // The set-up ran: two dangling images wait.
    expect((await terminal.run('docker image ls -q --filter dangling=true | wc -l')).trim()).toBe('2');
    const cheated = await check('prune');
    expect(cheated.passed).toBe(false);
    expect(cheated.message).toContain('préparée(s) pour cette étape');
    // The real work passes.
    await terminal.run('docker image prune -f >/dev/null');
    expect((await check('prune')).passed).toBe(true);
  }, 300_000);
});
