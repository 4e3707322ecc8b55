// Temporary: where a cold start's time goes (phases from the server's log).
import { api, createSession, startServer } from '../tests/integration/harness.ts';
const server = await startServer({ INSTANCE_ID: 'tmp-cold' });
try {
  for (let i = 0; i < 6; i++) {
    const t = performance.now();
    const s = await createSession(server);
    console.log('created', Math.round(performance.now() - t), 'ms');
    await new Promise((r) => setTimeout(r, 1500));
    await api(server, 'DELETE', `/api/sessions/${s.id}`, { token: s.token });
    await new Promise((r) => setTimeout(r, 1500));
  }
} finally {
  const lines = server.output().split('\n').filter((l) => l.includes('sandbox started'));
  for (const l of lines) console.log(l.slice(0, 400));
  await server.stop();
}
