/**
 * The PT side of one command: send a message and wait for the ECR's answer (80 00 / 84 xx), wait for the
 * customer while listening for an ECR abort (06 B0). Anything else from the ECR means it gave up on this
 * transaction (e.g. recovery started): the flow ends and that APDU is handled as the next command.
 */
import { decodeBcd } from '../codec/bytes';
import type { ApduChannel } from '../link/channel';
import { ACCEPT } from './pt-messages';

export type EcrAnswer =
  | { kind: 'ack' }
  | { kind: 'retry-later' }
  | { kind: 'partial'; amountMinor: number }
  | { kind: 'negative'; code: number }
  /** Timeout, closed link, no link ACK, or another command: the ECR did not answer this message. */
  | { kind: 'lost'; pending?: Uint8Array };

export class Conversation {
  abortRequested = false;
  pending: Uint8Array | undefined;

  constructor(
    readonly channel: ApduChannel,
    private readonly answerTimeoutMs: number,
  ) {}

  private async classify(bytes: Uint8Array): Promise<EcrAnswer | 'abort-command'> {
    const [cls, ins] = [bytes[0], bytes[1]];
    if (cls === 0x80) return { kind: 'ack' };
    if (cls === 0x84) {
      if (ins === 0x00) return { kind: 'ack' };
      if (ins === 0x9c) return { kind: 'retry-later' };
      if (ins === 0x9d && bytes.length >= 10 && bytes[3] === 0x04) {
        const digits = decodeBcd(bytes.slice(4, 10));
        if (digits !== null) return { kind: 'partial', amountMinor: Number(digits) };
      }
      return { kind: 'negative', code: ins ?? 0xff };
    }
    if (cls === 0x06 && ins === 0xb0) {
      // P15 §2.23: acknowledged with 80 00; the running transaction then ends with 6C.
      this.abortRequested = true;
      await this.channel.send(ACCEPT);
      return 'abort-command';
    }
    this.pending = bytes;
    return { kind: 'lost', pending: bytes };
  }

  async send(apdu: Uint8Array): Promise<EcrAnswer> {
    const sent = await this.channel.send(apdu);
    if (!sent.ok) return { kind: 'lost' };
    for (;;) {
      const r = await this.channel.receive(this.answerTimeoutMs);
      if (!r.ok) return { kind: 'lost' };
      const a = await this.classify(r.value);
      if (a !== 'abort-command') return a;
    }
  }

  /** Sends without waiting for an answer; false when the link failed (P16 §3.5: abort the transaction). */
  async post(apdu: Uint8Array): Promise<boolean> {
    return (await this.channel.send(apdu)).ok;
  }

  /** Waits `ms` for the customer; 'aborted' if the ECR sent 06 B0, 'lost' if it moved on or the link closed. */
  async waitCustomer(ms: number): Promise<'continue' | 'aborted' | 'lost'> {
    if (this.abortRequested) return 'aborted';
    if (ms <= 0) return 'continue';
    const until = Date.now() + ms;
    for (;;) {
      const left = until - Date.now();
      if (left <= 0) return 'continue';
      const r = await this.channel.receive(left);
      if (!r.ok) return r.error.kind === 'timeout' ? 'continue' : 'lost';
      const a = await this.classify(r.value);
      if (a === 'abort-command') return 'aborted';
      if (a.kind === 'lost') return 'lost';
      // A stray 80 00 (e.g. a repeated answer) is ignored.
    }
  }
}
