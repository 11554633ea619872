/**
 * Bare APDUs on a byte stream (ZVT over TCP, P16 §4): no framing, no CRC, no ACK bytes. The stream is
 * split by the APDU length field; several APDUs may arrive in one chunk, or one APDU in many.
 */
import { err, ok, type Result } from '../../../src-shared';
import { apduLength } from '../codec/apdu';
import { concatBytes } from '../codec/bytes';
import type { ByteStream } from './byte-stream';
import { ApduInbox, type ApduChannel, type LinkFailure } from './channel';

export class ApduStreamLink implements ApduChannel {
  readonly kind = 'stream' as const;
  private readonly inbox = new ApduInbox();
  private pending: Uint8Array = new Uint8Array(0);

  constructor(private readonly stream: ByteStream) {
    stream.onData((chunk) => this.onData(chunk));
    stream.onClose((reason) => this.inbox.close(reason));
  }

  get description(): string {
    return this.stream.description;
  }

  get isOpen(): boolean {
    return this.stream.isOpen && !this.inbox.closed;
  }

  private onData(chunk: Uint8Array): void {
    // The buffer never holds more than one incomplete APDU (≤ MAX_APDU_BYTES) plus the newest chunk.
    this.pending = this.pending.length === 0 ? chunk : concatBytes([this.pending, chunk]);
    for (;;) {
      const len = apduLength(this.pending);
      if (len.kind === 'need-more' || this.pending.length < len.totalLength) return;
      this.inbox.push(this.pending.slice(0, len.totalLength));
      this.pending = this.pending.slice(len.totalLength);
    }
  }

  async send(apdu: Uint8Array): Promise<Result<void, LinkFailure>> {
    if (!this.isOpen) return err({ kind: 'closed', reason: 'the connection is closed' });
    await this.stream.write(apdu);
    return ok(undefined);
  }

  receive(timeoutMs: number): Promise<Result<Uint8Array, LinkFailure>> {
    return this.inbox.take(timeoutMs);
  }

  discardPending(): Uint8Array[] {
    return this.inbox.discard();
  }

  async close(): Promise<void> {
    this.inbox.close('closed by this side');
    await this.stream.close();
  }
}
