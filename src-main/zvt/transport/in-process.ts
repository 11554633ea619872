/**
 * Two ByteStreams joined in memory: the fastest "cable" for tests and the demo. Bytes are delivered on a
 * later macrotask, as real I/O would, so neither side can rely on synchronous delivery.
 *
 * The `line` handle models a cable that is pulled: from a byte offset (counted over both directions, in
 * the order bytes enter the line) every byte is dropped until `restore()`; `closeAt` instead closes both
 * ends there, as a dropped TCP connection does.
 */
import { StreamListeners, type ByteStream } from './byte-stream';

export interface LineControl {
  /** Bytes that entered the line so far (both directions). */
  readonly bytesCarried: number;
  /** Drop every byte from this offset on (the cable is pulled). */
  cutAt(offset: number): void;
  /** Close both ends when this offset is reached (a TCP connection that drops). */
  closeAt(offset: number): void;
  /** Plug the cable back in: bytes flow again. */
  restore(): void;
  /** Resolves when the cut or close takes effect. */
  readonly cutReached: Promise<void>;
  readonly isCut: boolean;
}

class InProcessEnd implements ByteStream {
  readonly listeners = new StreamListeners();
  peer!: InProcessEnd;
  constructor(
    private readonly line: InProcessLine,
    readonly description: string,
  ) {}

  get isOpen(): boolean {
    return !this.listeners.closed;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.isOpen) return Promise.resolve();
    const copy = bytes.slice();
    const delivered = this.line.carry(copy);
    if (delivered.length > 0) {
      const peer = this.peer;
      setImmediate(() => {
        if (peer.isOpen) peer.listeners.emitData(delivered);
      });
    }
    return Promise.resolve();
  }

  onData(listener: (bytes: Uint8Array) => void): () => void {
    return this.listeners.onData(listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    return this.listeners.onClose(listener);
  }

  close(): Promise<void> {
    this.listeners.emitClose('closed by this side');
    const peer = this.peer;
    setImmediate(() => peer.listeners.emitClose('closed by the other side'));
    return Promise.resolve();
  }
}

class InProcessLine implements LineControl {
  bytesCarried = 0;
  private cutOffset = Infinity;
  private closeOffset = Infinity;
  private cut = false;
  private resolveCut!: () => void;
  readonly cutReached = new Promise<void>((resolve) => (this.resolveCut = resolve));
  ends: InProcessEnd[] = [];

  get isCut(): boolean {
    return this.cut;
  }

  cutAt(offset: number): void {
    this.cutOffset = offset;
    if (this.bytesCarried >= offset) this.trip();
  }

  closeAt(offset: number): void {
    this.closeOffset = offset;
  }

  restore(): void {
    this.cut = false;
    this.cutOffset = Infinity;
  }

  private trip(): void {
    if (!this.cut) {
      this.cut = true;
      this.resolveCut();
    }
  }

  /** Returns the part of `bytes` that gets through. */
  carry(bytes: Uint8Array): Uint8Array {
    const start = this.bytesCarried;
    this.bytesCarried += bytes.length;
    if (this.closeOffset <= this.bytesCarried) {
      const keep = Math.max(0, this.closeOffset - start);
      this.closeOffset = Infinity;
      this.resolveCut();
      setImmediate(() => {
        for (const e of this.ends) e.listeners.emitClose('connection dropped');
      });
      return bytes.slice(0, keep);
    }
    if (this.cut) return new Uint8Array(0);
    if (this.cutOffset < this.bytesCarried) {
      const keep = Math.max(0, this.cutOffset - start);
      this.trip();
      return bytes.slice(0, keep);
    }
    return bytes;
  }
}

export function createInProcessPair(names: [string, string] = ['in-process ECR end', 'in-process PT end']): {
  a: ByteStream;
  b: ByteStream;
  line: LineControl;
} {
  const line = new InProcessLine();
  const a = new InProcessEnd(line, names[0]);
  const b = new InProcessEnd(line, names[1]);
  a.peer = b;
  b.peer = a;
  line.ends = [a, b];
  return { a, b, line };
}
