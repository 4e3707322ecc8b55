// OutputFlow on a fake socket the test fills and drains: paused past the high-water mark, resumed once low.
import { describe, expect, it } from 'vitest';
import { OutputFlow, type FlowSocket } from '../../../../../server/http/socket/flow.ts';

class FakeSocket implements FlowSocket {
  bufferedAmount = 0;
  private readonly callbacks: { bytes: number; sent: (error?: Error) => void }[] = [];
  sentBytes = 0;

  send(data: Buffer, _options: { binary: true }, sent: (error?: Error) => void): void {
    this.bufferedAmount += data.length;
    this.sentBytes += data.length;
    this.callbacks.push({ bytes: data.length, sent });
  }

  /** The kernel took the oldest `count` frames off the buffer. */
  drain(count = this.callbacks.length): void {
    for (const { bytes, sent } of this.callbacks.splice(0, count)) {
      this.bufferedAmount -= bytes;
      sent();
    }
  }
}

function setup() {
  const socket = new FakeSocket();
  const source = { pauses: 0, resumes: 0, pause: () => source.pauses++, resume: () => source.resumes++ };
  const flow = new OutputFlow(
    socket,
    { pause: () => source.pause(), resume: () => source.resume() },
    {
      highWaterBytes: 100,
      lowWaterBytes: 20,
    },
  );
  return { socket, source, flow };
}

describe('OutputFlow', () => {
  it('pauses the source once the socket buffers past the high-water mark, once', () => {
    const { socket, source, flow } = setup();
    flow.send(Buffer.alloc(60));
    expect(flow.paused).toBe(false);
    flow.send(Buffer.alloc(60));
    expect(flow.paused).toBe(true);
    flow.send(Buffer.alloc(60));
    expect(source.pauses).toBe(1);
    expect(socket.sentBytes).toBe(180);
  });

  it('resumes the source only when the buffer has drained to the low-water mark', () => {
    const { socket, source, flow } = setup();
    for (let i = 0; i < 4; i++) flow.send(Buffer.alloc(30));
    expect(flow.paused).toBe(true);
    socket.drain(2);
    // 60 bytes still buffered: above the low-water mark.
    expect(source.resumes).toBe(0);
    socket.drain(1);
    expect(source.resumes).toBe(0);
    socket.drain(1);
    expect(source.resumes).toBe(1);
    expect(flow.paused).toBe(false);
  });

  it('ignores acknowledgements unless the browser asked for them', () => {
    const { socket, flow } = setup();
    flow.send(Buffer.alloc(150));
    socket.drain();
    expect(flow.paused).toBe(false);
  });

  it('with acks, keeps the source paused until the browser has displayed the output', () => {
    const { socket, source, flow } = setup();
    flow.expectAcks();
    flow.send(Buffer.alloc(150));
    expect(flow.paused).toBe(true);
    // Sent, but not yet displayed: still pending.
    socket.drain();
    expect(source.resumes).toBe(0);
    flow.acknowledge(100);
    expect(source.resumes).toBe(0);
    flow.acknowledge(100);
    expect(source.resumes).toBe(1);
    // An acknowledgement beyond what was sent does not build credit for later output.
    flow.send(Buffer.alloc(150));
    expect(flow.paused).toBe(true);
  });
});
