import WebSocket from 'ws';
import net from 'node:net';
import { execSync } from 'node:child_process';
import { createSession, startServer } from '../tests/integration/harness.ts';

const server = await startServer({ TEST: '1' });
const session = await createSession(server);
const ip = execSync(`docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' cours-docker-sb-${session.id}`).toString().trim();
console.log('ip', ip);
execSync(`docker exec cours-docker-sb-${session.id} bash -c 'head -c 60M /dev/urandom | base64 -w 100 > /root/gros.txt'`);

// Direct TCP to the relay (the server is not attached yet).
{
  const pkt = (type: number, len: number, payload = Buffer.alloc(8)) => { const b = Buffer.alloc(10); b[0] = type; b[1] = len; payload.copy(b, 2, 0, 8); return b; };
  const wsz = Buffer.alloc(8); wsz.writeUInt16LE(30, 0); wsz.writeUInt16LE(100, 2);
  const push = (s: string) => { const d = Buffer.from(s); const out = []; for (let i = 0; i < d.length; i += 8) { const c = d.subarray(i, i + 8); out.push(pkt(0, c.length, c)); } return Buffer.concat(out); };
  const sock = net.connect(7681, ip); sock.setNoDelay(true);
  await new Promise((r) => sock.once('connect', r));
  sock.write(Buffer.concat([pkt(1, 0), pkt(4, 3, wsz)]));
  let tail = ''; let total = 0; let tk = 0; const lat: number[] = [];
  sock.on('data', (d: Buffer) => { total += d.length; tail = (tail + d.toString('latin1')).slice(-100); if (tk) { lat.push(performance.now() - tk); tk = 0; } });
  await new Promise((r) => setTimeout(r, 500));
  sock.write(push('stty -echoctl\r')); await new Promise((r) => setTimeout(r, 300));
  for (let i = 0; i < 200; i++) { tk = performance.now(); sock.write(push('x')); await new Promise((r) => setTimeout(r, 10)); }
  sock.write(push('\x15'));
  lat.sort((a, b) => a - b);
  console.log('TCP echo p50', lat[100]?.toFixed(2), 'p99', lat[198]?.toFixed(2));
  await new Promise((r) => setTimeout(r, 300));
  total = 0; const t0 = performance.now();
  sock.write(push('cat /root/gros.txt; echo FI""NI\r'));
  while (!tail.includes('FINI')) await new Promise((r) => setTimeout(r, 5));
  console.log('TCP MB/s', (total / 1e6 / ((performance.now() - t0) / 1000)).toFixed(1));
  sock.destroy();
}
// Through the server's WebSocket.
{
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws/sessions/${session.id}/terminal`);
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ type: 'auth', token: session.token }));
  ws.send(JSON.stringify({ type: 'resize', cols: 100, rows: 30 }));
  let tail = ''; let total = 0; let tk = 0; const lat: number[] = [];
  ws.on('message', (d: Buffer, bin: boolean) => { if (!bin) { console.log('CTRL', d.toString()); return; } total += d.length; tail = (tail + d.toString('latin1')).slice(-100); if (tk) { lat.push(performance.now() - tk); tk = 0; } });
  await new Promise((r) => setTimeout(r, 1000));
  for (let i = 0; i < 200; i++) { tk = performance.now(); ws.send(Buffer.from('x')); await new Promise((r) => setTimeout(r, 10)); }
  ws.send(Buffer.from('\x15'));
  lat.sort((a, b) => a - b);
  console.log('WS echo p50', lat[100]?.toFixed(2), 'p99', lat[198]?.toFixed(2));
  await new Promise((r) => setTimeout(r, 300));
  total = 0; const t0 = performance.now();
  ws.send(Buffer.from('cat /root/gros.txt; echo FI""NI\r'));
  while (!tail.includes('FINI')) await new Promise((r) => setTimeout(r, 5));
  console.log('WS MB/s', (total / 1e6 / ((performance.now() - t0) / 1000)).toFixed(1));
  ws.close();
}
await server.stop();
