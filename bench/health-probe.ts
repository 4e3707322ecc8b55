// Polls /api/health from a thread of its own, as an outside monitor would: the bench's main
// thread reads terminal floods and drives the class, and a probe sharing its event loop would
// time the bench's own delays, not the server's. Posts the latencies when told to stop.
import { parentPort, workerData } from 'node:worker_threads';

const { base, everyMs } = workerData as { base: string; everyMs: number };
const latencies: number[] = [];
let watching = true;
parentPort?.once('message', () => (watching = false));
parentPort?.postMessage({ started: true });
while (watching) {
  const t = performance.now();
  await fetch(`${base}/api/health`).then(
    (res) => res.arrayBuffer(),
    () => undefined,
  );
  latencies.push(performance.now() - t);
  await new Promise((r) => setTimeout(r, everyMs));
}
parentPort?.postMessage({ latencies });
