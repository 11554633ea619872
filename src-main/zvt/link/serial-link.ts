/**
 * Serial link layer (P16 §3): every frame is answered at once with ACK (06) or NAK (15); a sender
 * repeats after NAK or when no answer comes within T2, at most twice; a receiver NAKs a frame whose
 * bytes are more than T1 apart. Bytes outside frames are dropped until the next DLE STX (resync).
 *
 * Only an explicit ACK byte confirms a frame. (Treating the peer's next frame as an implicit ACK looks
 * convenient, but a repeated answer from the peer would then be taken as the answer to a frame it never
 * received: the virtual terminal would book a payment whose 04 0F the ECR never saw.)
 */
import { err, ok, type Result } from '../../../src-shared';
import { FrameReceiver, encodeFrame, ACK, NAK } from '../codec/framing';
import type { ByteStream } from './byte-stream';
import { ApduInbox, type ApduChannel, type LinkFailure } from './channel';

export interface SerialLinkTimers {
  /** Max gap between two bytes of one frame (P16 §3.4.1: 200 ms). */
  readonly t1Ms: number;
  /** Max wait for ACK/NAK after a frame (P16 §3.4.2: 5 s). */
  readonly t2Ms: number;
  /** Repeats after NAK/timeout (P16 §3.5: 2). */
  readonly maxRepeats: number;
}

export const SPEC_LINK_TIMERS: SerialLinkTimers = { t1Ms: 200, t2Ms: 5000, maxRepeats: 2 };

/** Fault injection for the virtual terminal's tests (the ECR never sets these). */
export interface SerialLinkFaults {
  /** Called per transmission; true sends the frame with a broken CRC. */
  corruptOutgoing?: (apdu: Uint8Array, attempt: number) => boolean;
  /** Called per received good frame; true drops it without ACK (as if it never arrived). */
  ignoreIncoming?: (apdu: Uint8Array) => boolean;
}

export interface SerialLinkStats {
  framesSent: number;
  repeats: number;
  naksSent: number;
  naksReceived: number;
  garbageBytes: number;
  badFrames: number;
}

type AckWait = (answer: 'ack' | 'nak' | 'closed') => void;

export class SerialLink implements ApduChannel {
  readonly kind = 'serial' as const;
  readonly stats: SerialLinkStats = {
    framesSent: 0,
    repeats: 0,
    naksSent: 0,
    naksReceived: 0,
    garbageBytes: 0,
    badFrames: 0,
  };
  private readonly inbox = new ApduInbox();
  private readonly receiver = new FrameReceiver();
  private ackWait: AckWait | null = null;
  private t1Timer: NodeJS.Timeout | undefined;
  private sendChain: Promise<unknown> = Promise.resolve();
  private closedReason: string | null = null;

  constructor(
    private readonly stream: ByteStream,
    private readonly timers: SerialLinkTimers = SPEC_LINK_TIMERS,
    readonly faults: SerialLinkFaults = {},
  ) {
    stream.onData((chunk) => this.onData(chunk));
    stream.onClose((reason) => {
      this.closedReason = reason;
      clearTimeout(this.t1Timer);
      this.inbox.close(reason);
      this.answerAckWait('closed');
    });
  }

  get description(): string {
    return this.stream.description;
  }

  get isOpen(): boolean {
    return this.closedReason === null && this.stream.isOpen;
  }

  private answerAckWait(answer: 'ack' | 'nak' | 'closed'): void {
    const w = this.ackWait;
    if (w) {
      this.ackWait = null;
      w(answer);
    }
  }

  private writeControl(byte: number): void {
    void this.stream.write(Uint8Array.of(byte));
  }

  private onData(chunk: Uint8Array): void {
    for (const ev of this.receiver.push(chunk)) {
      switch (ev.kind) {
        case 'frame':
          if (this.faults.ignoreIncoming?.(ev.apdu)) break;
          // P16 §3.2: acknowledge before processing the content.
          this.writeControl(ACK);
          this.inbox.push(ev.apdu);
          break;
        case 'bad-frame':
          this.stats.badFrames += 1;
          this.stats.naksSent += 1;
          this.writeControl(NAK);
          break;
        case 'ack':
          this.answerAckWait('ack');
          break;
        case 'nak':
          this.stats.naksReceived += 1;
          this.answerAckWait('nak');
          break;
        case 'garbage':
          this.stats.garbageBytes += ev.count;
          break;
      }
    }
    clearTimeout(this.t1Timer);
    if (this.receiver.inFrame) {
      this.t1Timer = setTimeout(() => {
        // P16 §3.4.1: a gap longer than T1 inside a frame → NAK and resynchronise.
        if (this.receiver.inFrame) {
          this.receiver.reset();
          this.stats.naksSent += 1;
          this.writeControl(NAK);
        }
      }, this.timers.t1Ms);
    }
  }

  send(apdu: Uint8Array): Promise<Result<void, LinkFailure>> {
    const run = this.sendChain.then(() => this.transmit(apdu));
    this.sendChain = run;
    return run;
  }

  private async transmit(apdu: Uint8Array): Promise<Result<void, LinkFailure>> {
    const frame = encodeFrame(apdu);
    const attempts = 1 + this.timers.maxRepeats;
    let lastProblem = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (!this.isOpen) return err({ kind: 'closed', reason: this.closedReason ?? 'the port is closed' });
      let bytes = frame;
      if (this.faults.corruptOutgoing?.(apdu, attempt)) {
        bytes = frame.slice();
        bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
      }
      if (attempt > 1) this.stats.repeats += 1;
      this.stats.framesSent += 1;
      const answer = new Promise<'ack' | 'nak' | 'closed' | 'timeout'>((resolve) => {
        this.ackWait = resolve;
      });
      await this.stream.write(bytes);
      // T2 counts from the end of the frame, i.e. once the write has been handed to the line.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), this.timers.t2Ms);
      });
      const result = await Promise.race([answer, timeout]);
      clearTimeout(timer);
      this.ackWait = null;
      if (result === 'ack') return ok(undefined);
      if (result === 'closed') return err({ kind: 'closed', reason: this.closedReason ?? 'the port closed' });
      lastProblem =
        result === 'nak' ? 'the terminal answered NAK' : `no ACK within T2 (${this.timers.t2Ms} ms)`;
    }
    return err({ kind: 'not-acknowledged', attempts, lastProblem });
  }

  receive(timeoutMs: number): Promise<Result<Uint8Array, LinkFailure>> {
    return this.inbox.take(timeoutMs);
  }

  discardPending(): Uint8Array[] {
    return this.inbox.discard();
  }

  async close(): Promise<void> {
    clearTimeout(this.t1Timer);
    this.inbox.close('closed by this side');
    await this.stream.close();
  }
}
