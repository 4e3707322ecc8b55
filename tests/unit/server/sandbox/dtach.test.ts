import { describe, expect, it } from 'vitest';
import {
  attachPackets,
  dtachMessage,
  dtachRedraw,
  keysPackets,
  packetSize,
  resizePacket,
} from '../../../../server/sandbox/dtach.ts';

describe('dtach packets', () => {
  it('cuts keystrokes into push packets of at most 8 bytes', () => {
    const keys = Buffer.from('docker ps -aé\r', 'utf8');
    const out = keysPackets(keys);
    expect(out.length % packetSize).toBe(0);
    const packets = out.length / packetSize;
    expect(packets).toBe(Math.ceil(keys.length / 8));
    const back: Buffer[] = [];
    for (let i = 0; i < packets; i++) {
      const p = out.subarray(i * packetSize, (i + 1) * packetSize);
      expect(p[0]).toBe(dtachMessage.push);
      back.push(p.subarray(2, 2 + (p[1] ?? 0)));
    }
    expect(Buffer.concat(back).toString('utf8')).toBe('docker ps -aé\r');
  });

  it('sends nothing for no keystrokes', () => {
    expect(keysPackets(Buffer.alloc(0))).toHaveLength(0);
  });

  it('lays the window size out as struct winsize: rows then columns', () => {
    const p = resizePacket(132, 43);
    expect(p[0]).toBe(dtachMessage.winch);
    expect(p.readUInt16LE(2)).toBe(43);
    expect(p.readUInt16LE(4)).toBe(132);
  });

  it('attaches, then asks for a redraw by SIGWINCH at the given size', () => {
    const p = attachPackets(100, 30);
    expect(p).toHaveLength(2 * packetSize);
    expect(p[0]).toBe(dtachMessage.attach);
    expect(p[packetSize]).toBe(dtachMessage.redraw);
    expect(p[packetSize + 1]).toBe(dtachRedraw.winch);
    expect(p.readUInt16LE(packetSize + 2)).toBe(30);
    expect(p.readUInt16LE(packetSize + 4)).toBe(100);
  });
});
