/**
 * What the session (ECR or virtual PT) sees of a link: send an APDU, take the next received APDU.
 * Serial adds framing, ACK/NAK and repeats underneath (serial-link.ts); TCP and the in-process pair carry
 * bare APDUs (apdu-stream-link.ts). The session logic is written once against this interface.
 */
import { err, ok, type Result } from '../../../src-shared';

export type LinkFailure =
  | { readonly kind: 'timeout'; readonly afterMs: number }
  | { readonly kind: 'closed'; readonly reason: string }
  /** Serial only: no ACK after the first transmission and every repeat (P16 §3.5). */
  | { readonly kind: 'not-acknowledged'; readonly attempts: number; readonly lastProblem: string };

export interface ApduChannel {
  /** Serial: resolves once the peer ACKed the frame (after up to 2 repeats). TCP: once written. */
  send(apdu: Uint8Array): Promise<Result<void, LinkFailure>>;
  /** The next APDU from the peer, in order; `timeoutMs` may be Infinity. */
  receive(timeoutMs: number): Promise<Result<Uint8Array, LinkFailure>>;
  /** Drops and returns APDUs that arrived but were not taken (stale messages before a new command). */
  discardPending(): Uint8Array[];
  close(): Promise<void>;
  readonly isOpen: boolean;
  /** For error messages: port and settings or host:port. */
  readonly description: string;
  readonly kind: 'serial' | 'stream';
}

/** Received APDUs waiting for `receive`, with at most one waiter (the session is sequential). */
export class ApduInbox {
  private readonly queue: Uint8Array[] = [];
  private waiter: ((r: Result<Uint8Array, LinkFailure>) => void) | null = null;
  private closedReason: string | null = null;

  /** Bound on queued APDUs: a peer flooding us cannot grow memory without limit. */
  static readonly MAX_QUEUED = 256;

  push(apdu: Uint8Array): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w(ok(apdu));
      return;
    }
    if (this.queue.length >= ApduInbox.MAX_QUEUED) this.queue.shift();
    this.queue.push(apdu);
  }

  close(reason: string): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w(err({ kind: 'closed', reason }));
    }
  }

  get closed(): boolean {
    return this.closedReason !== null;
  }

  discard(): Uint8Array[] {
    return this.queue.splice(0, this.queue.length);
  }

  take(timeoutMs: number): Promise<Result<Uint8Array, LinkFailure>> {
    const next = this.queue.shift();
    if (next) return Promise.resolve(ok(next));
    if (this.closedReason !== null)
      return Promise.resolve(err({ kind: 'closed', reason: this.closedReason }));
    if (this.waiter)
      throw new Error('ApduInbox.take: two receivers at once (the session must be sequential)');
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      this.waiter = (r) => {
        if (timer) clearTimeout(timer);
        resolve(r);
      };
      if (Number.isFinite(timeoutMs)) {
        timer = setTimeout(() => {
          this.waiter = null;
          resolve(err({ kind: 'timeout', afterMs: timeoutMs }));
        }, timeoutMs);
      }
    });
  }
}
