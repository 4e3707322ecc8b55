// Output flow control: the source waits while its output piles up in the socket or the browser.

/** The part of a WebSocket flow control uses (a fake one in tests). */
export interface FlowSocket {
  readonly bufferedAmount: number;
  send(data: Buffer, options: { binary: true }, sent: (error?: Error) => void): void;
}

/** What produces the output: paused and resumed, never asked for data. */
export interface FlowSource {
  pause(): void;
  resume(): void;
}

export interface FlowLimits {
  /** The source is paused while more than this many bytes are pending. */
  highWaterBytes: number;
  /** A paused source resumes once pending bytes are down to this many. */
  lowWaterBytes: number;
}

/** A slow browser makes the shell wait, rather than the server buffer its output without end. */
export class OutputFlow {
  private readonly socket: FlowSocket;
  private readonly source: FlowSource;
  private readonly limits: FlowLimits;
  /** Whether the browser acknowledges what it has displayed (`flow: "ack"`). */
  private acks = false;
  private unacked = 0;
  private pausedSource = false;

  constructor(socket: FlowSocket, source: FlowSource, limits: FlowLimits) {
    this.socket = socket;
    this.source = source;
    this.limits = limits;
  }

  get paused(): boolean {
    return this.pausedSource;
  }

  /** From now on, bytes sent count as pending until the browser acknowledges them. */
  expectAcks(): void {
    this.acks = true;
  }

  /** Sends a chunk of output as a binary frame, pausing the source if too much is pending. */
  send(chunk: Buffer): void {
    this.unacked += chunk.length;
    this.socket.send(chunk, { binary: true }, () => this.maybeResume());
    if (!this.pausedSource && this.pending() > this.limits.highWaterBytes) {
      this.pausedSource = true;
      this.source.pause();
    }
  }

  /** The browser has displayed `bytes` more bytes. */
  acknowledge(bytes: number): void {
    this.unacked = Math.max(0, this.unacked - bytes);
    this.maybeResume();
  }

  private pending(): number {
    return (this.acks ? this.unacked : 0) + this.socket.bufferedAmount;
  }

  private maybeResume(): void {
    if (this.pausedSource && this.pending() <= this.limits.lowWaterBytes) {
      this.pausedSource = false;
      this.source.resume();
    }
  }
}
