// The three WebSockets' first frames pinned to the French words and close codes browsers have always read.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { closeCodes } from '../../../../../shared/limits.ts';
import { appFixture, listen, type Fixture } from '../../../fixtures/app-fixture.ts';
import { classLabs } from '../../../fixtures/lab-fixtures.ts';

const password = 'mot-de-passe-formateur';
let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

async function setup(authTimeoutMs?: number) {
  fixture = await appFixture({
    labs: classLabs(),
    instructorPassword: password,
    ...(authTimeoutMs === undefined ? {} : { terminal: { authTimeoutMs } }),
  });
  const login = await fixture.app.inject({ method: 'POST', url: '/api/instructor/login', payload: { password } });
  const token = login.json<{ token: string }>().token;
  const created = await fixture.app.inject({
    method: 'POST',
    url: '/api/classes',
    headers: { authorization: `Bearer ${token}` },
    payload: { title: 'Docker, lundi matin', labs: ['tp-images'], seats: 2 },
  });
  const classId = created.json<{ id: string }>().id;
  const { session } = fixture.sessions.create('bac-a-sable', null);
  const port = await listen(fixture.app);
  return { port, classId, sessionId: session.id };
}

interface Client {
  ws: WebSocket;
  messages: { type: string; message?: string }[];
  closed: Promise<{ code: number; reason: string }>;
}

async function open(port: number, path: string): Promise<Client> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
  const messages: Client['messages'] = [];
  ws.on('message', (data: Buffer, binary: boolean) => {
    if (!binary) messages.push(JSON.parse(data.toString()) as Client['messages'][number]);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise((resolve) => ws.once('open', resolve));
  return { ws, messages, closed };
}

describe('the terminal socket’s first frame', () => {
  it('closes a socket that does not authenticate in time', async () => {
    const { port, sessionId } = await setup(200);
    const client = await open(port, `/ws/sessions/${sessionId}/terminal`);
    expect(await client.closed).toEqual({ code: closeCodes.authTimeout, reason: 'authentification attendue' });
    expect(client.messages).toEqual([
      { type: 'error', message: "Pas d'authentification reçue à temps : rechargez la page." },
    ]);
  });

  it.each([
    [
      'a ping',
      JSON.stringify({ type: 'ping' }),
      'Authentifiez-vous d\'abord : premier message {"type":"auth","token":"..."}.',
    ],
    ['keystrokes', Buffer.from('ls\r'), 'Authentifiez-vous d\'abord : premier message {"type":"auth","token":"..."}.'],
    ['bad JSON', '{oops', 'Message de contrôle illisible : JSON attendu.'],
    ['a frame too big', 'x'.repeat(5000), 'Message de contrôle trop gros (maximum 4096 octets).'],
    [
      'a bad token',
      JSON.stringify({ type: 'auth', token: 'faux' }),
      'Jeton invalide ou session terminée : rechargez la page pour ouvrir une nouvelle session.',
    ],
  ])('refuses %s before authentication', async (_what, frame, message) => {
    const { port, sessionId } = await setup();
    const client = await open(port, `/ws/sessions/${sessionId}/terminal`);
    client.ws.send(frame);
    expect(await client.closed).toEqual({ code: closeCodes.unauthorized, reason: 'non autorisé' });
    expect(client.messages).toEqual([{ type: 'error', message }]);
  });
});

describe('the class feed’s and the watch’s first frames', () => {
  it('refuses on the feed a frame other than auth, and bad JSON, with a close', async () => {
    const { port, classId } = await setup();
    const ping = await open(port, `/ws/classes/${classId}/feed`);
    ping.ws.send(JSON.stringify({ type: 'ping' }));
    expect(await ping.closed).toEqual({ code: closeCodes.unauthorized, reason: 'refusé' });
    expect(ping.messages).toEqual([
      { type: 'error', message: 'Authentifiez-vous d’abord : premier message {"type":"auth", "key" ou "token"}.' },
    ]);
    const bad = await open(port, `/ws/classes/${classId}/feed`);
    bad.ws.send('{oops');
    expect(await bad.closed).toEqual({ code: closeCodes.unauthorized, reason: 'refusé' });
    expect(bad.messages).toEqual([{ type: 'error', message: 'Message illisible : JSON attendu.' }]);
  });

  it('answers on the feed a binary or too big first frame without reading it, and stays open', async () => {
    const { port, classId } = await setup();
    const client = await open(port, `/ws/classes/${classId}/feed`);
    client.ws.send(Buffer.from([1, 2, 3]));
    client.ws.send('x'.repeat(5000));
    const answer = { type: 'error', message: 'Messages texte JSON de 4096 octets au plus.' };
    await expect.poll(() => client.messages).toEqual([answer, answer]);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    client.ws.close();
  });

  it('answers pings and bad frames on the watch before authentication, and refuses a bad token', async () => {
    const { port, sessionId } = await setup();
    const client = await open(port, `/ws/sessions/${sessionId}/watch`);
    client.ws.send(JSON.stringify({ type: 'ping' }));
    client.ws.send('{oops');
    client.ws.send(JSON.stringify({ type: 'slide' }));
    client.ws.send(Buffer.from('ls\r'));
    await expect
      .poll(() => client.messages)
      .toEqual([
        { type: 'pong' },
        { type: 'error', message: 'Message illisible : JSON attendu.' },
        { type: 'error', message: 'Message invalide : {"type":"auth"} ou {"type":"ping"} attendu.' },
      ]);
    client.ws.send(JSON.stringify({ type: 'auth', token: 'faux' }));
    expect(await client.closed).toEqual({ code: closeCodes.unauthorized, reason: 'refusé' });
    expect(client.messages.at(-1)).toEqual({
      type: 'error',
      message: 'Réservé au formateur : reconnectez-vous sur /formateur/.',
    });
  });

  it('closes a feed and a watch that do not authenticate in time', { timeout: 15_000 }, async () => {
    const { port, classId, sessionId } = await setup();
    const feed = await open(port, `/ws/classes/${classId}/feed`);
    const watch = await open(port, `/ws/sessions/${sessionId}/watch`);
    expect(await feed.closed).toEqual({ code: closeCodes.authTimeout, reason: 'refusé' });
    expect(feed.messages).toEqual([
      { type: 'error', message: 'Pas d’authentification reçue à temps : rechargez la page.' },
    ]);
    expect(await watch.closed).toEqual({ code: closeCodes.authTimeout, reason: 'refusé' });
    expect(watch.messages).toEqual([{ type: 'error', message: 'Pas d’authentification reçue à temps.' }]);
  });
});
