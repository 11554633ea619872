/**
 * What the link layer consumes: an ordered, full-duplex stream of bytes. The interface lives here, in the
 * layer that uses it, so the link never imports a transport (codec → link → transport → session); serial
 * (serialport), TCP and the in-process pair in transport/ implement it, and the link and session logic is
 * the same over each (issue 4).
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
