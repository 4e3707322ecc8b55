// The server's side of the relays' unix sockets, on real sockets in a temporary folder: only a
// link that gives the secret is kept, and only while it says nothing more and stays open;
// connections per sandbox are bounded, terminals wait for a link, and the sockets go with their
// sandboxes.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkFolderFits, TerminalLinks } from '../../../../server/sandbox/terminal-links.ts';

const secret = randomBytes(32).toString('hex');
let dir = '';
let links: TerminalLinks;
const opened: Socket[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'links-'));
  links = new TerminalLinks(dir);
});

afterEach(async () => {
  for (const s of opened.splice(0)) s.destroy();
  for (const id of ['s1', 's2']) await links.close(id);
  rmSync(dir, { recursive: true, force: true });
});

/** A relay's link: connects to the sandbox's socket and sends `first`. */
async function dial(sessionId: string, first: string | Buffer = secret): Promise<Socket> {
  const socket = createConnection(path.join(dir, `${sessionId}.sock`));
  socket.on('error', () => {});
  opened.push(socket);
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(first);
  return socket;
}

const closed = (socket: Socket) =>
  new Promise<boolean>((resolve) => {
    if (socket.destroyed || socket.readableEnded) resolve(true);
    socket.once('close', () => resolve(true));
    setTimeout(() => resolve(false), 2000);
  });

describe('terminal links', () => {
  it('hands a terminal the link that gave the secret, and the bytes it sends after', async () => {
    await links.listen('s1', secret);
    const relay = await dial('s1');
    const taken = await links.take('s1', 2000);
    expect(taken).toBeDefined();
    const got = new Promise<string>((resolve) => taken?.once('data', (b: Buffer) => resolve(b.toString())));
    taken?.resume();
    relay.write('invite$ ');
    expect(await got).toBe('invite$ ');
    // One way and the other: the terminal's packets reach the relay.
    const back = new Promise<string>((resolve) => relay.once('data', (b: Buffer) => resolve(b.toString())));
    taken?.write('touches');
    expect(await back).toBe('touches');
  });

  it('closes a link with a wrong secret, or with more than the secret before it is taken', async () => {
    await links.listen('s1', secret);
    const wrong = await dial('s1', 'f'.repeat(64));
    expect(await closed(wrong)).toBe(true);
    const chatty = await dial('s1', `${secret}echo intrus\r`);
    expect(await closed(chatty)).toBe(true);
    expect(await links.take('s1', 200)).toBeUndefined();
  });

  it('never hands out a ready link whose relay went away, nor one that spoke before it was taken', async () => {
    await links.listen('s1', secret);
    const gone = await dial('s1');
    await new Promise((r) => setTimeout(r, 50));
    gone.end();
    await new Promise((r) => setTimeout(r, 100));
    expect(await links.take('s1', 150)).toBeUndefined();
    const early = await dial('s1');
    await new Promise((r) => setTimeout(r, 50));
    early.write('sortie avant le terminal');
    expect(await closed(early)).toBe(true);
    expect(await links.take('s1', 150)).toBeUndefined();
  });

  it('makes a terminal wait for the relay to dial, then gives up after its deadline', async () => {
    await links.listen('s1', secret);
    const waiting = links.take('s1', 3000);
    await new Promise((r) => setTimeout(r, 100));
    await dial('s1');
    expect(await waiting).toBeDefined();
    expect(await links.take('s1', 150)).toBeUndefined();
    // A sandbox never listened for has no link at all.
    expect(await links.take('s2', 150)).toBeUndefined();
  });

  it('keeps two ready links at most, the newest, and skips those that closed', async () => {
    await links.listen('s1', secret);
    const first = await dial('s1');
    const second = await dial('s1');
    const third = await dial('s1');
    expect(await closed(first)).toBe(true);
    second.destroy();
    await new Promise((r) => setTimeout(r, 50));
    const taken = await links.take('s1', 500);
    expect(taken).toBeDefined();
    const seen = new Promise<string>((resolve) => third.once('data', (b: Buffer) => resolve(b.toString())));
    taken?.write('x');
    expect(await seen).toBe('x');
  });

  it('bounds the connections of one sandbox, and keeps the others apart', async () => {
    await links.listen('s1', secret);
    await links.listen('s2', secret);
    // Eight connections that never give the secret hold every place of s1...
    const silent = await Promise.all(Array.from({ length: 8 }, () => dial('s1', '')));
    await new Promise((r) => setTimeout(r, 50));
    // ...so the ninth is closed at once, while s2 still takes its relay.
    const ninth = await dial('s1');
    expect(await closed(ninth)).toBe(true);
    await dial('s2');
    expect(await links.take('s2', 1000)).toBeDefined();
    for (const s of silent) s.destroy();
  });

  it('replaces whatever was left at the socket’s name, never following a link', async () => {
    const elsewhere = path.join(dir, 'ailleurs');
    writeFileSync(elsewhere, 'ne pas toucher');
    const socketPath = links.socketPath('s1');
    symlinkSync(elsewhere, socketPath);
    await links.listen('s1', secret);
    expect(statSync(socketPath).isSocket()).toBe(true);
    expect(readFileSync(elsewhere, 'utf8')).toBe('ne pas toucher');
    await dial('s1');
    expect(await links.take('s1', 1000)).toBeDefined();
  });

  it('says which sandboxes it made the sockets of: not those from before a restart', async () => {
    await links.listen('s1', secret);
    expect(links.listening('s1')).toBe(true);
    const restarted = new TerminalLinks(dir);
    expect(restarted.listening('s1')).toBe(false);
    expect(await restarted.take('s1', 100)).toBeUndefined();
  });

  it('removes the sockets of sandboxes that are gone, and refuses ids that are not ids', async () => {
    await links.listen('s1', secret);
    await links.listen('s2', secret);
    await links.close('s2');
    expect(existsSync(links.socketPath('s2'))).toBe(false);
    // Left by a server that stopped before it removed its sandbox, and something not a socket's.
    const before = new TerminalLinks(dir);
    await before.listen('s3', secret);
    writeFileSync(path.join(dir, 'notes.txt'), '');
    expect(await links.sweep((id) => id === 's1')).toBe(1);
    expect(existsSync(links.socketPath('s3'))).toBe(false);
    expect(existsSync(links.socketPath('s1'))).toBe(true);
    expect(existsSync(path.join(dir, 'notes.txt'))).toBe(true);
    expect(() => links.socketPath('../s1')).toThrow();
    await before.close('s3');
  });

  it('knows when a folder is too deep for a socket path', () => {
    expect(linkFolderFits('/run/cours-docker/terminals')).toBe(true);
    expect(linkFolderFits(`/${'d'.repeat(90)}`)).toBe(false);
  });
});
