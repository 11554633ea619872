/**
 * The byte stream every transport implements. Its interface belongs to the link layer that consumes it
 * (link/byte-stream.ts); it is re-exported here so transports and callers keep one import path.
 */
export type { ByteStream } from '../link/byte-stream';

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
