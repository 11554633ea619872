/**
 * Line pacing: a pseudo-terminal or a socket moves bytes as fast as the kernel can, so it says nothing
 * about a 9600-baud cable. This wrapper makes writes take the time a real line would: each byte is
 * 1 start + 8 data + 2 stop bits = 11 bit times for 8N2 (P16 §2.1). A chunk is handed on when its last
 * bit would have left the UART; chunks queue behind each other like bytes in a UART's FIFO.
 */
import type { ByteStream } from './byte-stream';

export interface PacingOptions {
  readonly baudRate: number;
  /** Bits on the wire per byte: 11 for 8N2 (default), 10 for 8N1. */
  readonly bitsPerByte?: number;
  /** Injected for tests; defaults to performance.now. */
  readonly now?: () => number;
}

export function pacedStream(inner: ByteStream, options: PacingOptions): ByteStream {
  const bits = options.bitsPerByte ?? 11;
  const now = options.now ?? (() => performance.now());
  let lineFreeAt = 0;
  let chain: Promise<void> = Promise.resolve();
  return {
    get isOpen() {
      return inner.isOpen;
    },
    description: `${inner.description} (paced at ${options.baudRate} baud)`,
    onData: (l) => inner.onData(l),
    onClose: (l) => inner.onClose(l),
    close: () => inner.close(),
    write(bytes: Uint8Array): Promise<void> {
      const copy = bytes.slice();
      const start = Math.max(now(), lineFreeAt);
      const doneAt = start + (copy.length * bits * 1000) / options.baudRate;
      lineFreeAt = doneAt;
      chain = chain.then(async () => {
        const wait = doneAt - now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        await inner.write(copy);
      });
      return chain;
    },
  };
}
