// `npm run bench`: measures the platform on this machine and prints the figures: sandbox start
// to first prompt (cold and warm), keystroke echo, terminal throughput, idle memory, 20
// sessions at once, check latency per TP, the deck page's JavaScript weight and its bytes on the
// wire, a class at work (30 students starting and building at once) with health latency, the
// userns isolation mode's start time and memory, health under hostile students, and the
// instructor's class (slide-follow and dashboard latencies, memory with 30 students), and the
// TP workspace (web preview latency and throughput, the layer explorer on mariadb and 1 GB), and
// the Swarm driver on a three-node swarm beside one host (bench/swarm.ts).
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { gzipSync } from 'node:zlib';
import Docker from 'dockerode';
import WebSocket from 'ws';
import type { ClassJoined, FeedServerMessage, SessionCreated } from '../shared/contract.ts';
import { loadLabs } from '../content/labs.ts';
import {
  api,
  createSession,
  startServer,
  TerminalClient,
  waitForSetUp,
  waitUntil,
  usernsEngine,
  type RunningServer,
} from '../tests/integration/harness.ts';
import type { AttackPlan, AttackReport } from './attack-worker.ts';
import { echoSideBySide, floorThroughput, platformThroughput } from './floor.ts';
import { ms, percentile, report, rows } from './figures.ts';
import { timeToPrompt } from './prompt.ts';
import { swarmBench } from './swarm.ts';
import { describeTally, prepareCraftedImage, prepareEndlessFile } from './attacks.ts';

const root = path.resolve(import.meta.dirname, '..');
process.env.TEST_INSTANCE_ID = 'bench';
const docker = new Docker();
const quick = process.argv.includes('--quick');

/**
 * Watches the server while a section loads it: /api/health polled every `everyMs` (from its own
 * thread, bench/health-probe.ts), and the
 * server's own event-loop delay (prom-client resets it at each scrape, so it is scraped once
 * at the start to count from there).
 */
async function watchServer(server: RunningServer, everyMs: number) {
  const eventLoopLag = async () => {
    const text = await (await fetch(`${server.base}/metrics`)).text();
    const value = (name: string) =>
      Number(new RegExp(`^cours_docker_nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(text)?.[1]) * 1000;
    return { p99: value('p99'), max: value('max') };
  };
  await eventLoopLag();
  const probe = new Worker(new URL('./health-probe.ts', import.meta.url), {
    workerData: { base: server.base, everyMs },
  });
  const results = new Promise<number[]>((resolve, reject) => {
    probe.on('message', (message: { latencies?: number[] }) => message.latencies && resolve(message.latencies));
    probe.once('error', reject);
  });
  await new Promise<void>((resolve) => probe.once('message', () => resolve()));
  return {
    stop: async () => {
      probe.postMessage('stop');
      const health = await results;
      await probe.terminate();
      return { health, lag: await eventLoopLag() };
    },
  };
}

/**
 * POST a session and open its terminal at once, as the browser does (the terminal waits for the
 * sandbox's turn and start), and time until the first prompt is on screen.
 */
/** The server's own count of ready pool sandboxes (a container exists before it is ready). */
async function poolReady(server: RunningServer): Promise<number> {
  const metrics = await (await fetch(`${server.base}/metrics`)).text();
  return Number(/^cours_docker_pool_sandboxes (\d+)/m.exec(metrics)?.[1] ?? 0);
}

async function startupBench() {
  process.stdout.write('\n[1] démarrage d’un bac à sable jusqu’à la première invite\n');
  const cold = await startServer({ POOL_SIZE: '0', MAX_SESSIONS: '30' });
  const coldTimes: number[] = [];
  for (let i = 0; i < (quick ? 3 : 7); i++) {
    const r = await timeToPrompt(cold);
    coldTimes.push(r.ms);
    r.terminal.close();
    await api(cold, 'DELETE', `/api/sessions/${r.id}`, { token: r.token });
  }
  report('à froid p50', ms(percentile(coldTimes, 50)), '≤ 2500 ms');
  report('à froid p95', ms(percentile(coldTimes, 95)));
  await cold.stop();

  const warm = await startServer({ POOL_SIZE: '2', MAX_SESSIONS: '30' });
  const warmTimes: number[] = [];
  for (let i = 0; i < (quick ? 3 : 7); i++) {
    // A full pool, and the machine quiet again (the last refill's checker started).
    await waitUntil(async () => (await poolReady(warm)) >= 2, 60_000, 'the pool');
    await new Promise((r) => setTimeout(r, 2500));
    const r = await timeToPrompt(warm);
    warmTimes.push(r.ms);
    r.terminal.close();
    await api(warm, 'DELETE', `/api/sessions/${r.id}`, { token: r.token });
  }
  report('depuis la réserve p50', ms(percentile(warmTimes, 50)), '≤ 80 ms');
  report('depuis la réserve p95', ms(percentile(warmTimes, 95)));
  return warm;
}

async function terminalBench(server: RunningServer, poolSize: number) {
  process.stdout.write('\n[2] terminal : écho des frappes, débit, mémoire au repos\n');
  const { terminal, id, token } = await timeToPrompt(server);
  // Measure on a quiet machine: let the warm pool finish refilling first (its new sandbox
  // ready, not only created: its engine's boot is the machine's busiest second).
  await waitUntil(async () => (await poolReady(server)) >= poolSize, 60_000, 'the pool');
  await new Promise((r) => setTimeout(r, 5000));
  await terminal.run('stty -echoctl; cd /root');
  const container = `cours-docker-sb-${id}`;
  const { platform: samples, floor } = await echoSideBySide(terminal, container, quick ? 100 : 400);
  const versus = (value: number, base: number) => `${ms(value)} (plancher ${ms(base)}, écart ${ms(value - base)})`;
  report('écho d’une frappe p50', versus(percentile(samples, 50), percentile(floor, 50)), '≤ plancher + 0,2 ms');
  report('écho d’une frappe p99', versus(percentile(samples, 99), percentile(floor, 99)), '≤ plancher');

  // Two shapes of output: many short lines (a log, a listing) and one long line without a
  // newline (base64, a minified file, cat of a binary), each beside `docker exec -it`.
  const shapes = [
    { name: 'lignes courtes', file: '/root/gros.txt', bytes: 0 },
    { name: 'une seule ligne', file: '/root/long.txt', bytes: 0 },
  ];
  await terminal.run('head -c 37500000 /dev/urandom | base64 -w 100 > /root/gros.txt', 120_000);
  await terminal.run('head -c 37500000 /dev/zero | base64 -w 0 > /root/long.txt', 120_000);
  for (const shape of shapes) shape.bytes = Number((await terminal.run(`stat -c %s ${shape.file}`)).trim());
  terminal.close();
  for (const { name, file, bytes } of shapes) {
    const command = `cat ${file}`;
    const rates: number[] = [];
    const floors: number[] = [];
    for (let round = 0; round < 2; round++) {
      const platform = await platformThroughput(server.base, id, token, command);
      // Every byte of the file must have reached the client, or the figure means nothing.
      if (platform.bytes < bytes) throw new Error(`the terminal delivered ${platform.bytes} of ${bytes} bytes`);
      rates.push(bytes / 1e6 / platform.seconds);
      const base = await floorThroughput(container, command);
      floors.push(bytes / 1e6 / base.seconds);
    }
    const rate = Math.max(...rates);
    const best = Math.max(...floors);
    report(
      `débit du terminal, ${name} (${(bytes / 1e6).toFixed(0)} Mo)`,
      `${rate.toFixed(1)} Mo/s = ${(rate / best).toFixed(2)}× le plancher (${best.toFixed(1)} Mo/s)`,
      '≥ 0,9×',
    );
  }
  const serverRss =
    Number(readFileSync(`/proc/${server.process.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024;
  report('mémoire du serveur après ce cat', `${serverRss.toFixed(0)} Mio`);
  await floorThroughput(container, 'rm /root/gros.txt /root/long.txt');

  await new Promise((r) => setTimeout(r, 10_000));
  const stats = (await docker.getContainer(`cours-docker-sb-${id}`).stats({ stream: false })) as {
    memory_stats: { usage: number; stats?: { cache?: number; total_inactive_file?: number } };
  };
  const usage = stats.memory_stats.usage - (stats.memory_stats.stats?.total_inactive_file ?? 0);
  report('mémoire d’un bac à sable au repos', `${(usage / 1024 / 1024).toFixed(0)} Mio`, '≤ 80 Mio');
  await api(server, 'DELETE', `/api/sessions/${id}`, { token });
}

/** Ten terminals printing at once, each in its own sandbox, beside ten `docker exec -it` at once. */
async function manyTerminals() {
  const count = 10;
  const server = await startServer({
    POOL_SIZE: '0',
    MAX_SESSIONS: '25',
    SESSIONS_PER_CLIENT: '25',
    SESSIONS_PER_CLIENT_PER_MINUTE: '100',
  });
  const started = await Promise.allSettled(Array.from({ length: count }, () => createSession(server)));
  const sessions = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  if (sessions.length < count) {
    const logs = server
      .output()
      .split('\n')
      .filter((l) => /"level":"(warn|error)"/.test(l));
    throw new Error(`${count - sessions.length} sandboxes did not start:\n${logs.slice(0, 5).join('\n')}`);
  }
  const file = '/root/gros.txt';
  await Promise.all(
    sessions.map((s) =>
      floorThroughput(`cours-docker-sb-${s.id}`, `head -c 15000000 /dev/urandom | base64 -w 100 > ${file}`),
    ),
  );
  const bytes = count * Math.ceil((15_000_000 / 3) * 4 * (101 / 100));
  const timed = performance.now();
  const delivered = await Promise.all(
    sessions.map((s) => platformThroughput(server.base, s.id, s.token, `cat ${file}`)),
  );
  const platform = bytes / 1e6 / ((performance.now() - timed) / 1000);
  if (delivered.some((d) => d.bytes < bytes / count)) throw new Error('a terminal did not deliver its whole file');
  const floorStarted = performance.now();
  await Promise.all(sessions.map((s) => floorThroughput(`cours-docker-sb-${s.id}`, `cat ${file}`)));
  const floor = bytes / 1e6 / ((performance.now() - floorStarted) / 1000);
  report(
    `débit de ${count} terminaux à la fois (${(bytes / 1e6).toFixed(0)} Mo en tout)`,
    `${platform.toFixed(1)} Mo/s = ${(platform / floor).toFixed(2)}× le plancher (${floor.toFixed(1)} Mo/s)`,
    '≥ 0,9×',
  );
  await server.stop();
}

async function concurrencyBench() {
  process.stdout.write('\n[3] 20 sessions ouvertes en même temps (à froid)\n');
  const server = await startServer({
    POOL_SIZE: '0',
    MAX_SESSIONS: '25',
    SESSIONS_PER_CLIENT: '25',
    SESSIONS_PER_CLIENT_PER_MINUTE: '100',
  });
  const started = performance.now();
  const results = await Promise.allSettled(Array.from({ length: 20 }, () => timeToPrompt(server)));
  const seconds = (performance.now() - started) / 1000;
  const ready = results.filter((r) => r.status === 'fulfilled').length;
  report('sessions prêtes', `${ready} / 20 en ${seconds.toFixed(1)} s`, '20 en ≤ 12 s');
  for (const r of results) if (r.status === 'fulfilled') r.value.terminal.close();
  await server.stop();
}

/** A class at work: 30 students open a TP sandbox at once, pull debian:bookworm and build a small image. */
async function classBench() {
  const students = quick ? 10 : 30;
  process.stdout.write(
    `\n[7] une classe au travail : le formateur crée la classe, puis ${students} élèves démarrent, tirent debian:bookworm et construisent une image\n`,
  );
  const password = 'banc-d-essai-formateur';
  const server = await startServer({
    POOL_SIZE: '0',
    MAX_SESSIONS: String(students + 4),
    SESSIONS_PER_CLIENT: String(students + 4),
    SESSIONS_PER_CLIENT_PER_MINUTE: '1000',
    INSTRUCTOR_PASSWORD: password,
  });
  // The instructor creates the class before the lesson: its sandboxes are warmed meanwhile.
  const warming = performance.now();
  const login = await api(server, 'POST', '/api/instructor/login', { body: { password } });
  await api(server, 'POST', '/api/classes', {
    token: String(login.body.token),
    body: { title: 'Banc d’essai', labs: ['tp-images'], seats: students },
  });
  await waitUntil(async () => (await poolReady(server)) >= students, 600_000, 'the pre-warmed pool');
  report('sandboxes préparés avant le cours', `${students} en ${((performance.now() - warming) / 1000).toFixed(0)} s`);
  // The server's own work must keep answering while the class works.
  const watch = await watchServer(server, 200);
  const started = performance.now();
  const finished: number[] = [];
  const placesShown: number[] = [];
  const work = async () => {
    const r = await timeToPrompt(server);
    // The places in the queue this student was shown while waiting.
    for (const m of r.terminal.messages) {
      const place = m.type === 'status' ? /(\d+) élèves? avant vous/.exec(m.message)?.[1] : undefined;
      if (place) placesShown.push(Number(place));
    }
    const out = await r.terminal.run(
      "docker pull -q debian:bookworm >/dev/null && mkdir -p /root/classe && cd /root/classe && printf 'FROM debian:bookworm\\nRUN echo bonjour > /bonjour\\n' > Dockerfile && docker build -q -t classe . >/dev/null && echo FINI",
      600_000,
    );
    if (!out.includes('FINI')) throw new Error(out.slice(-300));
    finished.push((performance.now() - started) / 1000);
    r.terminal.close();
    await api(server, 'DELETE', `/api/sessions/${r.id}`, { token: r.token });
  };
  const results = await Promise.allSettled(Array.from({ length: students }, work));
  const { health, lag } = await watch.stop();
  const failures = results.filter((r) => r.status === 'rejected').map((r) => String(r.reason).slice(0, 120));
  report('élèves ayant fini', `${finished.length} / ${students}`, `${students} / ${students}`);
  report('le dernier a fini après', `${Math.max(0, ...finished).toFixed(0)} s`, '≤ 100 s');
  report(
    'places dans la file montrées aux élèves',
    placesShown.length ? `jusqu’à ${Math.max(...placesShown)} élèves avant soi` : 'aucune (pas d’attente)',
  );
  report(
    '/api/health pendant ce temps p50 / p95 / max',
    `${ms(percentile(health, 50))} / ${ms(percentile(health, 95))} / ${ms(Math.max(...health))}`,
  );
  report('boucle d’événements du serveur pendant ce temps p99 / max', `${ms(lag.p99)} / ${ms(lag.max)}`);
  for (const failure of new Set(failures)) process.stdout.write(`  échec : ${failure}\n`);
  await server.stop();
}

async function checkBench() {
  process.stdout.write('\n[4] latence des vérifications (étapes non faites)\n');
  const server = await startServer({ POOL_SIZE: '0' });
  for (const lab of loadLabs(path.join(root, 'labs'))) {
    const session = await createSession(server, lab.id);
    await waitForSetUp(server, session);
    const times: number[] = [];
    for (let round = 0; round < (quick ? 2 : 4); round++) {
      for (const step of lab.steps) {
        const started = performance.now();
        await api(server, 'POST', `/api/sessions/${session.id}/steps/${step.id}/check`, {
          token: session.token,
          body: step.kind === 'question' ? { answer: 'x' } : {},
        });
        times.push(performance.now() - started);
      }
    }
    report(`${lab.id} : vérification p50`, ms(percentile(times, 50)));
    report(`${lab.id} : vérification p95`, ms(percentile(times, 95)), '< 500 ms');
    await api(server, 'DELETE', `/api/sessions/${session.id}`, { token: session.token });
  }
  await server.stop();
}

function deckWeight() {
  process.stdout.write('\n[5] poids de la page de diapositives\n');
  const html = readFileSync(path.join(root, 'dist/decks/images-de-conteneurs/index.html'), 'utf8');
  let total = 0;
  for (const match of html.matchAll(/<script[^>]*src="([^"]+)"/g)) {
    total += gzipSync(readFileSync(path.join(root, 'dist', match[1] ?? ''))).length;
  }
  report('JavaScript de la page (gzip)', `${(total / 1024).toFixed(1)} Ko`, '≤ 80 Ko');
}

/** Bytes of a response's body as sent on the wire (no decompression), with its encoding. */
function wireBytes(
  server: RunningServer,
  pathname: string,
  encoding: string,
): Promise<{ bytes: number; encoding: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path: pathname, headers: { 'accept-encoding': encoding } },
      (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => resolve({ bytes, encoding: String(res.headers['content-encoding'] ?? 'identity') }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The deck page and every script, style sheet and image it names, uncompressed and as a browser gets them. */
async function deckWire() {
  process.stdout.write('\n[6] page de diapositives sur le réseau (HTML, JS, CSS, images)\n');
  const server = await startServer({ POOL_SIZE: '0' });
  const page = '/decks/images-de-conteneurs/';
  const html = readFileSync(path.join(root, 'dist', page, 'index.html'), 'utf8');
  const assets = [
    page,
    ...new Set([...html.matchAll(/(?:src|href)="(\/[^"#?]+\.(?:js|css|svg|png|webp|woff2))"/g)].map((m) => m[1] ?? '')),
  ];
  let plain = 0;
  let compressed = 0;
  for (const asset of assets) {
    plain += (await wireBytes(server, asset, 'identity')).bytes;
    compressed += (await wireBytes(server, asset, 'gzip, deflate, br')).bytes;
  }
  report(
    `page de diapositives, ${assets.length} fichiers, sans compression (avant)`,
    `${(plain / 1024).toFixed(1)} Ko`,
  );
  report('la même, brotli précompressé (Accept-Encoding: gzip, br)', `${(compressed / 1024).toFixed(1)} Ko`);
  await server.stop();
}

/** `--only=terminal,checks` runs some sections: weight, wire, startup, terminal, concurrency, checks, class, isolation, hostile, classroom, workspace, swarm. */
/** The userns isolation mode, on the engine with userns-remap: start time and idle memory. */
async function isolationBench() {
  process.stdout.write('\n[8] isolation userns (moteur avec userns-remap) : démarrage à froid, mémoire au repos\n');
  const engine = new Docker({ socketPath: usernsEngine.socketPath });
  if (
    !(await engine.ping().then(
      () => true,
      () => false,
    ))
  ) {
    report('isolation userns', `moteur absent (${usernsEngine.socketPath}) : lancez scripts/start-docker-userns.sh`);
    return;
  }
  const server = await startServer({ ...usernsEngine.env, POOL_SIZE: '0', MAX_SESSIONS: '30' });
  const times: number[] = [];
  let last: Awaited<ReturnType<typeof timeToPrompt>> | undefined;
  for (let i = 0; i < (quick ? 3 : 7); i++) {
    if (last) {
      last.terminal.close();
      await api(server, 'DELETE', `/api/sessions/${last.id}`, { token: last.token });
    }
    last = await timeToPrompt(server);
    times.push(last.ms);
  }
  report('userns : à froid p50 / p95', `${ms(percentile(times, 50))} / ${ms(percentile(times, 95))}`, '≤ 2500 ms');
  if (last) {
    await new Promise((r) => setTimeout(r, 5000));
    const stats = (await engine.getContainer(`cours-docker-sb-${last.id}`).stats({ stream: false })) as {
      memory_stats: { usage: number; stats?: { total_inactive_file?: number } };
    };
    const usage = stats.memory_stats.usage - (stats.memory_stats.stats?.total_inactive_file ?? 0);
    report('userns : mémoire d’un bac à sable au repos', `${(usage / 1024 / 1024).toFixed(0)} Mio`, '≤ 80 Mio');
    last.terminal.close();
  }
  await server.stop();
}

/**
 * Hostile students and anonymous clients while a class works: a fork bomb, a memory hog and
 * crafted Dockerfiles checked over and over, typed from this thread; and, from a thread of their
 * own at a lower priority (bench/attack-worker.ts, as their pages would run on their own
 * machines), an output flood read as fast as it comes, malformed requests, unauthenticated
 * uploads, a crafted image in the layer explorer, a resize flood, endless file reads, a lint
 * flood, concurrent password guesses, guessed class codes, hoarded sockets. Meanwhile the
 * class's students (on their own address) type commands and open their file trees, and
 * /api/health is polled from a third thread: each figure is what they saw.
 * `HOSTILE=flood,lints` (bomb, flood, hog, lint, requests, uploads, layers, resize, slowreads,
 * lints, signin, codes, sockets) runs only some of them, to see which one weighs.
 */
async function hostileBench() {
  const seconds = quick ? 15 : 30;
  const classSize = quick ? 3 : 6;
  process.stdout.write(
    `\n[9] élèves hostiles pendant ${seconds} s, ${classSize} élèves au travail : santé du serveur et latences de la classe\n`,
  );
  const server = await startServer({
    POOL_SIZE: '0',
    MAX_SESSIONS: '20',
    SANDBOX_MEMORY: '1g',
    SANDBOX_DISK: '384m',
    SANDBOX_HOME: '128m',
    SANDBOX_PIDS: '256',
  });
  const part = (p: string) => !process.env.HOSTILE || process.env.HOSTILE.split(',').includes(p);
  const memoryBefore = await serverMemoryMiB(server);
  const [bomber, flooder, hog, resizer] = await Promise.all([
    timeToPrompt(server),
    timeToPrompt(server),
    timeToPrompt(server),
    timeToPrompt(server),
  ]);
  const students = await Promise.all(Array.from({ length: classSize }, () => timeToPrompt(server)));
  const lab = loadLabs(path.join(root, 'labs')).find((l) => l.id === 'tp-dockerfile');
  const step = lab?.steps.find((s) => typeof s.check === 'object' && s.check.ts === 'dockerfile-lint');
  if (!lab || !step) throw new Error('no dockerfile-lint step in tp-dockerfile');
  const [linter, explorer, reader] = await Promise.all([
    createSession(server, lab.id),
    createSession(server),
    createSession(server),
  ]);
  const linterTerminal = new TerminalClient(server, linter.id);
  await linterTerminal.open(linter.token, undefined, 600_000);
  await api(server, 'POST', `/api/sessions/${linter.id}/steps/${step.id}/setup`, { token: linter.token });
  // Under the linter's byte bound: the shape that used to backtrack for seconds.
  await linterTerminal.run(
    "{ printf 'FROM debian:12\\nRUN apt-get update '; yes rm | head -n 85000 | tr '\\n' ' '; echo; } > /root/tp-dockerfile/lint/Dockerfile; wc -c < /root/tp-dockerfile/lint/Dockerfile",
  );
  if (part('layers')) await prepareCraftedImage(server, explorer);
  if (part('slowreads')) await prepareEndlessFile(server, reader);
  const victim = students[0]?.id ?? bomber.id;
  // Most attackers run in a thread of their own (bench/attack-worker.ts).
  const plan: AttackPlan = {
    server: { base: server.base, port: server.port },
    seconds,
    parts: process.env.HOSTILE?.split(',') ?? [],
    victim,
    explorer,
    reader,
    resizer: { id: resizer.id, token: resizer.token },
    flooder: { id: flooder.id, token: flooder.token },
  };
  const attackers = new Worker(new URL('./attack-worker.ts', import.meta.url), { workerData: plan });
  const attacked = new Promise<AttackReport>((resolve, reject) => {
    attackers.on('message', (message: AttackReport | { started: true }) => {
      if ('tallies' in message) resolve(message);
    });
    attackers.once('error', reject);
  });
  await new Promise<void>((resolve) =>
    attackers.on('message', (message: { started?: boolean }) => message.started && resolve()),
  );

  const until = Date.now() + seconds * 1000;
  const watch = await watchServer(server, 100);
  if (part('bomb')) bomber.terminal.type(':(){ :|:& };:\r');
  if (part('hog')) hog.terminal.type('while :; do head -c 2G /dev/zero | tail; done\r');
  let lints = 0;
  const lint = (async () => {
    while (part('lint') && Date.now() < until) {
      await api(server, 'POST', `/api/sessions/${linter.id}/steps/${step.id}/check`, { token: linter.token }).catch(
        () => undefined,
      );
      lints++;
    }
  })();
  // The class at work: a command typed and its answer, and the file tree, over and over.
  const commandMs: number[] = [];
  const treeMs: number[] = [];
  let classFailures = 0;
  const work = students.map(async (student, i) => {
    await new Promise((r) => setTimeout(r, i * 50));
    while (Date.now() < until) {
      let t = performance.now();
      await student.terminal.run('echo ok', 30_000).then(
        () => commandMs.push(performance.now() - t),
        () => classFailures++,
      );
      t = performance.now();
      const tree = await api(server, 'GET', `/api/sessions/${student.id}/tree`, { token: student.token }).catch(() => ({
        status: 0,
      }));
      if (tree.status === 200) treeMs.push(performance.now() - t);
      else classFailures++;
      await new Promise((r) => setTimeout(r, 300));
    }
  });
  await Promise.all([lint, ...work]);
  const { health, lag } = await watch.stop();
  const { tallies } = await attacked;
  await attackers.terminate();
  report(
    'attaques : /api/health p50 / p95 / max',
    `${ms(percentile(health, 50))} / ${ms(percentile(health, 95))} / ${ms(Math.max(...health))}`,
    'p95 < 100 ms, max < 1 s',
  );
  report('attaques : boucle d’événements du serveur p99 / max', `${ms(lag.p99)} / ${ms(lag.max)}`);
  report(
    'attaques : commande d’un élève de la classe (echo) p50 / p95 / max',
    `${ms(percentile(commandMs, 50))} / ${ms(percentile(commandMs, 95))} / ${ms(Math.max(...commandMs))}`,
  );
  report(
    'attaques : arborescence d’un élève de la classe p50 / p95 / max',
    `${ms(percentile(treeMs, 50))} / ${ms(percentile(treeMs, 95))} / ${ms(Math.max(...treeMs))}`,
  );
  report('attaques : échecs vus par la classe', String(classFailures), '0');
  const malformed = tallies.find((t) => t.name === 'requêtes malformées');
  if (malformed) {
    const errors5xx = malformed.outcomes.filter(([status]) => Number(status) >= 500).reduce((sum, [, n]) => sum + n, 0);
    report('attaques : requêtes malformées, réponses ≥ 500', `${malformed.sent} envoyées, ${errors5xx} ≥ 500`, '0');
  }
  report('attaques : Dockerfiles piégés vérifiés', String(lints));
  for (const tally of tallies) {
    report(`attaques : ${tally.name}`, describeTally({ ...tally, outcomes: new Map(tally.outcomes) }));
  }
  const memoryAfter = await serverMemoryMiB(server);
  report('attaques : mémoire du serveur avant / après', `${memoryBefore.toFixed(0)} / ${memoryAfter.toFixed(0)} Mio`);
  for (const r of [bomber, flooder, hog, resizer, ...students]) r.terminal.close();
  linterTerminal.close();
  await server.stop();
  // BENCH_SERVER_LOG=file keeps the server's own output (its logs, or SERVER_NODE_FLAGS=--trace-gc).
  if (process.env.BENCH_SERVER_LOG)
    (await import('node:fs')).writeFileSync(process.env.BENCH_SERVER_LOG, server.output());
}

/** The server's resident memory, from its own metrics. */
async function serverMemoryMiB(server: RunningServer): Promise<number> {
  const text = await (await fetch(`${server.base}/metrics`)).text();
  return Number(/^cours_docker_process_resident_memory_bytes (\S+)$/m.exec(text)?.[1]) / 1024 ** 2;
}

/** A class feed socket for the bench: every message with its arrival time. */
function benchFeed(server: RunningServer, classId: string, auth: object) {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws/classes/${classId}/feed`);
  const seen: { at: number; message: FeedServerMessage }[] = [];
  ws.on('message', (data: Buffer) =>
    seen.push({ at: performance.now(), message: JSON.parse(data.toString()) as FeedServerMessage }),
  );
  const ready = new Promise<void>((resolve, reject) => {
    ws.once('open', () => ws.send(JSON.stringify({ type: 'auth', ...auth })));
    ws.once('error', reject);
    const poll = setInterval(() => {
      if (seen.some((s) => s.message.type === 'ready')) {
        clearInterval(poll);
        resolve();
      }
    }, 5);
  });
  return { ws, seen, ready };
}

/**
 * A class with its instructor: 30 students follow the slides (latency from the instructor's
 * change to each student's socket), 30 students in sandboxes with their terminals open, some
 * of them watched, run checks (latency from the check's answer to the dashboard's row), and
 * the server's memory meanwhile.
 */
async function classroomBench() {
  const students = quick ? 10 : 30;
  process.stdout.write(
    `\n[10] la classe du formateur : ${students} élèves suivent les diapositives, font une étape, sont regardés\n`,
  );
  const password = 'banc-d-essai-formateur';
  const server = await startServer({
    POOL_SIZE: '0',
    MAX_SESSIONS: String(students + 4),
    INSTRUCTOR_PASSWORD: password,
  });
  // At rest means settled: a server just started holds its start's garbage (its modules
  // compiled, the site's files read) for a few seconds, 230-240 MiB, then about 170.
  await new Promise((r) => setTimeout(r, 15_000));
  const memoryIdle = await serverMemoryMiB(server);
  const login = await api(server, 'POST', '/api/instructor/login', { body: { password } });
  const token = String(login.body.token);
  const created = await api(server, 'POST', '/api/classes', {
    token,
    body: { title: 'Banc d’essai', labs: ['tp-images'], seats: students },
  });
  const classId = String(created.body.id);
  const joined: ClassJoined[] = [];
  for (let i = 0; i < students; i++) {
    const res = await api(server, 'POST', '/api/classes/join', {
      body: { code: created.body.code, name: `Élève ${i + 1}` },
    });
    joined.push(res.body as unknown as ClassJoined);
  }
  const teacher = benchFeed(server, classId, { token });
  const followers = joined.map((s) => benchFeed(server, classId, { key: s.key }));
  await Promise.all([teacher.ready, ...followers.map((f) => f.ready)]);
  const memoryFollowers = await serverMemoryMiB(server);

  // Slide changes, one every 100 ms.
  const latencies: number[] = [];
  const changes = quick ? 20 : 60;
  for (let i = 0; i < changes; i++) {
    const h = (i % 40) + 1;
    const sent = performance.now();
    teacher.ws.send(JSON.stringify({ type: 'slide', deck: 'images-de-conteneurs', h, v: 0, f: -1 }));
    await waitUntil(
      () =>
        Promise.resolve(
          followers.every((f) => f.seen.some((s) => s.at >= sent && s.message.type === 'slide' && s.message.h === h)),
        ),
      10_000,
      'every follower on the new slide',
    );
    for (const f of followers) {
      const got = f.seen.find((s) => s.at >= sent && s.message.type === 'slide' && s.message.h === h);
      if (got) latencies.push(got.at - sent);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  report(
    `suivi des diapositives, ${students} élèves : changement du formateur → socket de l’élève p50 / p95`,
    `${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 95))}`,
    '< 100 ms',
  );

  // Every student in a sandbox with their terminal open; a third of them watched.
  const sessions = await Promise.all(
    joined.map(async (s) => {
      const res = await fetch(`${server.base}/api/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-learner-key': s.key },
        body: JSON.stringify({ lab: 'tp-images' }),
      });
      const session = (await res.json()) as SessionCreated;
      const terminal = new TerminalClient(server, session.id);
      await terminal.open(session.token, undefined, 600_000);
      return { student: s, session, terminal };
    }),
  );
  const watches = sessions.slice(0, Math.ceil(students / 3)).map(({ session }) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws/sessions/${session.id}/watch`);
    ws.once('open', () => ws.send(JSON.stringify({ type: 'auth', token })));
    return ws;
  });
  await new Promise((r) => setTimeout(r, 2000));
  for (const { terminal } of sessions) terminal.type('ls -la /root && docker version --format {{.Server.Version}}\r');
  await new Promise((r) => setTimeout(r, 2000));
  const memoryStudents = await serverMemoryMiB(server);

  const dashboard: number[] = [];
  const rounds = quick ? 10 : 30;
  for (let i = 0; i < rounds; i++) {
    const picked = sessions[i % sessions.length];
    if (!picked) break;
    const { student, session } = picked;
    const before = performance.now();
    await api(server, 'POST', `/api/sessions/${session.id}/steps/pull-debian/check`, {
      token: session.token,
      body: {},
    });
    const answered = performance.now();
    await waitUntil(
      () =>
        Promise.resolve(
          teacher.seen.some(
            (s) => s.at >= before && s.message.type === 'student' && s.message.student.learner === student.learner,
          ),
        ),
      10_000,
      'the dashboard row',
    );
    const row = teacher.seen.find(
      (s) => s.at >= before && s.message.type === 'student' && s.message.student.learner === student.learner,
    );
    dashboard.push(Math.max(0, (row?.at ?? answered) - answered));
  }
  report(
    'tableau de bord : réponse de la vérification → ligne de l’élève chez le formateur p50 / p95',
    `${ms(percentile(dashboard, 50))} / ${ms(percentile(dashboard, 95))}`,
    '< 1000 ms',
  );
  report(
    `mémoire du serveur : au repos / ${students} suiveurs / + ${students} élèves en TP (${watches.length} regardés)`,
    `${memoryIdle.toFixed(0)} / ${memoryFollowers.toFixed(0)} / ${memoryStudents.toFixed(0)} Mio`,
    '≤ 200 / – / ≤ 300 Mio',
  );
  for (const ws of watches) ws.close();
  for (const { terminal } of sessions) terminal.close();
  for (const f of [teacher, ...followers]) f.ws.close();
  await server.stop();
}

/**
 * The TP workspace: the web preview's latency and throughput to a page in the sandbox, and the
 * layer explorer's time for mariadb and for an image of about 1 GB, with the server's memory.
 */
async function workspaceBench() {
  process.stdout.write('\n[11] l’espace de travail du TP : aperçu web et explorateur de couches\n');
  const server = await startServer({ POOL_SIZE: '0', SANDBOX_DISK: '4g', SANDBOX_MEMORY: '5g' });
  const session = await createSession(server);
  const terminal = new TerminalClient(server, session.id);
  await terminal.open(session.token);
  await terminal.run(
    "docker run -d -q --name web -p 8080:80 httpd >/dev/null && sleep 1 && docker exec web sh -c 'head -c 50000000 /dev/urandom > /usr/local/apache2/htdocs/gros.bin' && echo PR''ET",
    120_000,
  );
  const auth = { authorization: `Bearer ${session.token}` };
  const page = `${server.base}/preview/${session.id}/8080/`;
  await waitUntil(async () => (await fetch(page, { headers: auth })).ok, 30_000, 'the preview');
  const times: number[] = [];
  for (let i = 0; i < (quick ? 50 : 200); i++) {
    const started = performance.now();
    await (await fetch(page, { headers: auth })).text();
    times.push(performance.now() - started);
  }
  report(
    'aperçu web : page d’Apache du bac à sable par le proxy p50 / p95',
    `${ms(percentile(times, 50))} / ${ms(percentile(times, 95))}`,
    '< 50 ms',
  );
  const started = performance.now();
  const body = await (await fetch(`${page}gros.bin`, { headers: auth })).arrayBuffer();
  const seconds = (performance.now() - started) / 1000;
  report('aperçu web : débit (fichier de 50 Mo)', `${(body.byteLength / 1e6 / seconds).toFixed(0)} MB/s`, '≥ 30 MB/s');

  const explore = async (ref: string) => {
    const t = performance.now();
    const res = await api(server, 'GET', `/api/sessions/${session.id}/images/${encodeURIComponent(ref)}/layers`, {
      token: session.token,
    });
    if (res.status !== 200) throw new Error(`${ref}: ${res.status} ${JSON.stringify(res.body)}`);
    return { ms: performance.now() - t, size: Number(res.body.size) };
  };
  await terminal.run('docker pull -q mariadb >/dev/null', 300_000);
  const mariadb = await explore('mariadb');
  report('couches : mariadb', `${(mariadb.ms / 1000).toFixed(1)} s pour ${(mariadb.size / 1e6).toFixed(0)} Mo`);
  await terminal.run(
    "mkdir -p /root/gros && cd /root/gros && printf 'FROM debian:bookworm\\nRUN head -c 500000000 /dev/urandom > /a\\nRUN head -c 500000000 /dev/urandom > /b && rm /a\\n' > Dockerfile && docker build -q -t gros:1 . >/dev/null && echo CONSTR''UIT",
    900_000,
  );
  const before = await serverMemoryMiB(server);
  const big = await explore('gros:1');
  const after = await serverMemoryMiB(server);
  report(
    'couches : image d’environ 1 Go',
    `${(big.ms / 1000).toFixed(1)} s pour ${(big.size / 1e6).toFixed(0)} Mo ; mémoire du serveur ${before.toFixed(0)} → ${after.toFixed(0)} Mio`,
  );
  terminal.close();
  await server.stop();
}

const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const wanted = (section: string) => !only || only.includes(section);

process.stdout.write(`Banc d’essai (${new Date().toISOString()})\n`);
if (wanted('weight')) deckWeight();
if (wanted('wire')) await deckWire();
if (wanted('startup') || wanted('terminal')) {
  const warm = wanted('startup') ? await startupBench() : await startServer({ POOL_SIZE: '1', MAX_SESSIONS: '30' });
  if (wanted('terminal')) await terminalBench(warm, wanted('startup') ? 2 : 1);
  await warm.stop();
  // A server of its own, once the other one is gone: both would take each other's sandboxes
  // for orphans (one instance id for the whole bench).
  if (wanted('terminal')) await manyTerminals();
}
if (wanted('concurrency')) await concurrencyBench();
if (wanted('checks')) await checkBench();
if (wanted('class')) await classBench();
if (wanted('isolation')) await isolationBench();
if (wanted('hostile')) await hostileBench();
if (wanted('classroom')) await classroomBench();
if (wanted('workspace')) await workspaceBench();
if (wanted('swarm')) await swarmBench(quick);
process.stdout.write('\nRésumé\n');
for (const [name, value, target] of rows) process.stdout.write(`| ${name} | ${value} | ${target} |\n`);
