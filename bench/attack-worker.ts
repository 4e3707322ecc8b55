// The hostile bench's attackers, in a thread of their own: their sockets, timers and JSON never
// delay the thread that times the class and /api/health, so what that thread measures is the
// server, not the bench's own event loop. Gets what to attack, runs until its deadline, and
// answers each attack's tally.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { TerminalClient, type RunningServer } from '../tests/integration/harness.ts';
import {
  codeGuesses,
  exploreCrafted,
  lintFlood,
  malformedRequests,
  passwordGuesses,
  resizeFlood,
  slowReads,
  socketHoard,
  unauthenticatedUploads,
  type AttackTally,
} from './attacks.ts';

export interface AttackPlan {
  server: { base: string; port: number };
  seconds: number;
  parts: string[];
  victim: string;
  explorer: { id: string; token: string };
  reader: { id: string; token: string };
  resizer: { id: string; token: string };
  flooder: { id: string; token: string };
}

export interface AttackReport {
  tallies: { name: string; sent: number; outcomes: [string, number][] }[];
}

const plan = workerData as AttackPlan;
// Only base and port are used by the attacks.
const server = plan.server as RunningServer;
const part = (p: string) => plan.parts.length === 0 || plan.parts.includes(p);
const signal = { stopped: false };

// On a real class the attackers' pages run on their own machines; here they share the server's
// two cores, so their thread runs at a lower priority and the figures weigh the server's work,
// not the attackers' own (Linux keeps a nice value per thread; pid 0 is this thread).
setPriority(0, 10);

// The flooder's page, opened here so that reading its flood costs this thread, as it would
// cost the attacker's own browser; the server closes the main thread's copy (another tab).
const flooder = part('flood') ? new TerminalClient(server, plan.flooder.id) : undefined;
if (flooder) {
  await flooder.open(plan.flooder.token);
  flooder.type(`timeout ${plan.seconds} sh -c 'cat /dev/urandom | base64'\r`);
}

// The resizer's page, opened here: the server then closes the main thread's copy (another tab).
const resizer = part('resize') ? new TerminalClient(server, plan.resizer.id) : undefined;
if (resizer) await resizer.open(plan.resizer.token);
const attacks = [
  part('uploads') ? unauthenticatedUploads(server, plan.victim, signal) : undefined,
  part('layers') ? exploreCrafted(server, plan.explorer, signal) : undefined,
  resizer ? resizeFlood(resizer, signal) : undefined,
  part('slowreads') ? slowReads(server, plan.reader, signal) : undefined,
  part('lints') ? lintFlood(server, plan.explorer, signal) : undefined,
  part('signin') ? passwordGuesses(server, signal) : undefined,
  part('codes') ? codeGuesses(server, signal) : undefined,
  part('sockets') ? socketHoard(server, plan.victim, signal) : undefined,
  part('requests') ? malformedRequests(server, signal) : undefined,
].filter((a) => a !== undefined);
parentPort?.postMessage({ started: true });
await new Promise((resolve) => setTimeout(resolve, plan.seconds * 1000));
signal.stopped = true;
await Promise.all(attacks.map((a) => a.done));
resizer?.close();
flooder?.close();
const report: AttackReport = {
  tallies: attacks.map(({ tally }: { tally: AttackTally }) => ({
    name: tally.name,
    sent: tally.sent,
    outcomes: [...tally.outcomes],
  })),
};
parentPort?.postMessage(report);
