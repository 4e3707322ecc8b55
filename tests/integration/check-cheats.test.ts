// Cheats a root student might try to turn a check green without the work, against the real
// engine: each cheat, then the check, which must stay red or refuse to judge; then the real
// work, which passes. Checks run from the sandbox's checker (server/check/checker.ts).
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkerName } from '../../server/sandbox/container-spec.ts';
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

/** What the checker says when it refuses to judge a tampered sandbox. */
const refusal = 'refuse de juger';

/** A fake engine in Perl (the sandbox has Perl): every request gets an empty JSON list. */
const fakeEngine = (socket: string) =>
  `perl -MIO::Socket::UNIX -e '$s = IO::Socket::UNIX->new(Local => "${socket}", Listen => 5) or die; ` +
  `while ($c = $s->accept) { sysread($c, $b, 65536); print $c "HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\n` +
  `Api-Version: 1.45\\r\\nContent-Length: 2\\r\\n\\r\\n[]"; close $c }' >/dev/null 2>&1 &`;

describe('checks out of the student’s reach', () => {
  it('fake tools on a tmpfs early in PATH, or mounted over the real ones, make the check refuse to judge', async () => {
    // A fake `timeout` would end the check at once with 0, a fake `curl` answer anything.
    await terminal.run(
      "mount -t tmpfs faux /usr/local/bin && printf '#!/bin/sh\\nexit 0\\n' > /usr/local/bin/timeout && cp /usr/local/bin/timeout /usr/local/bin/curl && chmod +x /usr/local/bin/*",
    );
    const fakeTools = await check('pull-debian');
    expect(fakeTools.passed).toBe(false);
    expect(fakeTools.message).toContain(refusal);
    expect(fakeTools.message).toContain('/usr/local/bin');
    await terminal.run('umount /usr/local/bin');
    // A fake docker mounted over the real binary.
    await terminal.run(
      "printf '#!/bin/sh\\necho debian:bookworm\\n' > /tmp/docker && chmod +x /tmp/docker && mount --bind /tmp/docker /usr/bin/docker",
    );
    const fakeDocker = await check('pull-debian');
    expect(fakeDocker.passed).toBe(false);
    expect(fakeDocker.message).toContain(refusal);
    await terminal.run('umount /usr/bin/docker');
    // Undone: the check judges again, and the image is not there.
    const judged = await check('pull-debian');
    expect(judged.passed).toBe(false);
    expect(judged.message).not.toContain(refusal);
  }, 300_000);

  it('a fake engine on the socket, the real one moved aside, makes the check refuse to judge', async () => {
    await terminal.run(`mv /run/docker.sock /run/vrai.sock && ${fakeEngine('/run/docker.sock')} sleep 0.5`);
    const faked = await check('pull-debian');
    expect(faked.passed).toBe(false);
    expect(faked.message).toContain(refusal);
    expect(faked.message).toContain('moteur Docker');
    await terminal.run('pkill -f IO::Socket::UNIX; rm -f /run/docker.sock; mv /run/vrai.sock /run/docker.sock');
    expect((await check('pull-debian')).message).not.toContain(refusal);
  }, 300_000);

  it('a docker context, DOCKER_HOST or a configuration in /root do not reach the check', async () => {
    await terminal.run(
      `${fakeEngine('/tmp/faux.sock')} sleep 0.5; docker context create faux --docker host=unix:///tmp/faux.sock >/dev/null && docker context use faux >/dev/null; echo 'export DOCKER_HOST=unix:///tmp/faux.sock' >> /root/.bashrc`,
    );
    const faked = await check('pull-debian');
    expect(faked.passed).toBe(false);
    expect(faked.message).toContain('pas encore présente');
    await terminal.run(
      'docker context use default >/dev/null; docker context rm -f faux >/dev/null; pkill -f IO::Socket::UNIX; sed -i "/faux.sock/d" /root/.bashrc',
    );
  }, 300_000);

  it('a checker stopped from the sandbox is made again, and the real work passes', async () => {
    // The checker shares the sandbox's processes: the student can see and kill them.
    await terminal.run("pkill -KILL -f '^sleep infinity$'; sleep 1");
    await terminal.run('docker pull -q debian:bookworm >/dev/null');
    const done = await check('pull-debian');
    expect(done.passed).toBe(true);
    // The checker made again, like the first, costs the engine no volume (its image declares
    // /var/lib/docker one: a tmpfs there, or an anonymous volume per checker would pile up).
    const checker = await new Docker().getContainer(checkerName(session.id)).inspect();
    expect(checker.Mounts.filter((m) => m.Type === 'volume')).toEqual([]);
  }, 300_000);

  it('an empty executable committed where curl should be installed does not pass', async () => {
    await terminal.run(
      'docker run --name ma-debian debian:bookworm sh -c "touch /usr/bin/curl && chmod +x /usr/bin/curl" && docker commit ma-debian debian-formation:v1 >/dev/null',
      120_000,
    );
    const faked = await check('commit');
    expect(faked.passed).toBe(false);
    expect(faked.message).toContain('ne fonctionne pas');
    await terminal.run('docker rm -f ma-debian >/dev/null; docker image rm debian-formation:v1 >/dev/null');
  }, 300_000);

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
