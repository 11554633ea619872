/**
 * The one thing every transport gives the link layer: an ordered, full-duplex stream of bytes.
 * Serial (serialport), TCP and the in-process pair all implement it, so the link and session logic is the
 * same over each (issue 4).
 */
export interface ByteStream {
  /** Queues bytes in order; resolves when they have been handed to the line (not when they arrived). */
  write(bytes: Uint8Array): Promise<void>;
  /** Registers a listener for incoming bytes; returns a function that removes it. */
  onData(listener: (bytes: Uint8Array) => void): () => void;
  /** Called once when the stream closes (cable gone, socket closed, close()). */
  onClose(listener: (reason: string) => void): () => void;
  close(): Promise<void>;
  readonly isOpen: boolean;
  /** What a human would check, e.g. "/dev/ttyUSB0 at 9600 8N2" or "192.168.1.20:20007". */
  readonly description: string;
}

/** Listener bookkeeping shared by the implementations. */
export class StreamListeners {
  private readonly data = new Set<(bytes: Uint8Array) => void>();
  private readonly close = new Set<(reason: string) => void>();
  private closedWith: string | null = null;

  onData(listener: (bytes: Uint8Array) => void): () => void {
    this.data.add(listener);
    return () => this.data.delete(listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    if (this.closedWith !== null) {
      const reason = this.closedWith;
      queueMicrotask(() => listener(reason));
      return () => undefined;
    }
    this.close.add(listener);
    return () => this.close.delete(listener);
  }

  emitData(bytes: Uint8Array): void {
    for (const l of [...this.data]) l(bytes);
  }

  emitClose(reason: string): void {
    if (this.closedWith !== null) return;
    this.closedWith = reason;
    for (const l of [...this.close]) l(reason);
    this.close.clear();
    this.data.clear();
  }

  get closed(): boolean {
    return this.closedWith !== null;
  }
}
