// dtach's client protocol, which the sandbox's terminal relay speaks (it holds the student's
// shell on its pty, as dtach's master did): fixed 10-byte packets (type, length, 8 bytes of
// payload) from the server; the relay answers with the shell's raw output.

/** Packet types of dtach 0.9 (dtach.h). */
export const dtachMessage = { push: 0, attach: 1, detach: 2, winch: 3, redraw: 4 } as const;
/** Redraw methods; `winch` has the program redraw itself after a SIGWINCH. */
export const dtachRedraw = { unspecified: 0, none: 1, ctrlL: 2, winch: 3 } as const;

export const packetSize = 10;
const payloadSize = 8;

function packet(type: number, length: number, payload?: Buffer): Buffer {
  const out = Buffer.alloc(packetSize);
  out[0] = type;
  out[1] = length;
  payload?.copy(out, 2, 0, payloadSize);
  return out;
}

/** struct winsize, as the x86-64 and arm64 kernels lay it out (little-endian shorts). */
function windowSize(cols: number, rows: number): Buffer {
  const size = Buffer.alloc(payloadSize);
  size.writeUInt16LE(rows, 0);
  size.writeUInt16LE(cols, 2);
  return size;
}

/** Keystrokes as push packets, 8 bytes each. */
export function keysPackets(keys: Buffer): Buffer {
  const count = Math.ceil(keys.length / payloadSize);
  const out = Buffer.alloc(count * packetSize);
  for (let i = 0; i < count; i++) {
    const chunk = keys.subarray(i * payloadSize, (i + 1) * payloadSize);
    out[i * packetSize] = dtachMessage.push;
    out[i * packetSize + 1] = chunk.length;
    chunk.copy(out, i * packetSize + 2);
  }
  return out;
}

/** A new terminal size; the kernel sends the shell its SIGWINCH. */
export function resizePacket(cols: number, rows: number): Buffer {
  return packet(dtachMessage.winch, 0, windowSize(cols, rows));
}

/** Attach (receive the output from now on), then set the size and have the shell redraw. */
export function attachPackets(cols: number, rows: number): Buffer {
  return Buffer.concat([
    packet(dtachMessage.attach, 0),
    packet(dtachMessage.redraw, dtachRedraw.winch, windowSize(cols, rows)),
  ]);
}
