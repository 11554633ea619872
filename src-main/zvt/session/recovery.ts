/**
 * Recovery after an unknown outcome (issue 4; P15 §2.2.8–2.2.9, §2.20): reconnect, Status Enquiry (the
 * terminal must be idle again), then Repeat Receipt with "resend the Status-Information" to learn the last
 * transaction the terminal booked, and compare it with what we saw.
 *
 * The rule that makes this sound: a PT books a transaction only after the ECR acknowledged its 04 0F and
 * every print message; if those acknowledgements never arrive it auto-reverses (P15 §2.2.8). So a
 * transaction whose approved 04 0F we never received cannot have been booked, and one we did see is booked
 * exactly when the terminal's last receipt is that receipt.
 */
import type { TransactionDetails } from './types';

export type LastTransaction =
  | { readonly kind: 'transaction'; readonly details: TransactionDetails }
  /** The PT has nothing to repeat (06 1E after Repeat Receipt). */
  | { readonly kind: 'none' };

export interface RecoveryInput {
  /** The approved 04 0F of this command, when it reached us. */
  readonly seenApproval?: TransactionDetails;
  /** Whether we began to acknowledge that approval (if not, the PT cannot have booked it). */
  readonly approvalAcknowledged: boolean;
  /** The last booked receipt number we knew before this command: null = none, undefined = unknown. */
  readonly baselineReceipt: string | null | undefined;
  readonly last: LastTransaction;
}

export interface RecoveryDecision {
  readonly verdict: 'went-through' | 'did-not-go-through' | 'undetermined';
  readonly basis: string;
}

const receiptOf = (l: LastTransaction) => (l.kind === 'transaction' ? l.details.receiptNumber : undefined);

export function decideRecovery(i: RecoveryInput): RecoveryDecision {
  const last = receiptOf(i.last);
  const lastText = last === undefined ? 'no booked transaction' : `receipt ${last}`;
  if (i.seenApproval) {
    const ours = i.seenApproval.receiptNumber;
    if (ours === undefined) {
      return { verdict: 'undetermined', basis: 'the approval carried no receipt number to compare with' };
    }
    const lastOk = i.last.kind === 'transaction' && (i.last.details.resultCode ?? 0) === 0;
    if (last === ours && lastOk) {
      return {
        verdict: 'went-through',
        basis: `the terminal's last booked transaction is receipt ${ours}, the approval we saw`,
      };
    }
    return {
      verdict: 'did-not-go-through',
      basis: i.approvalAcknowledged
        ? `the terminal approved receipt ${ours} but its last booked transaction is ${lastText}: it reversed the payment`
        : `we never acknowledged the approval of receipt ${ours}, so the terminal reversed it (P15 §2.2.8); its last booked transaction is ${lastText}`,
    };
  }
  if (i.baselineReceipt !== undefined) {
    if ((last ?? null) === i.baselineReceipt) {
      return {
        verdict: 'did-not-go-through',
        basis: `the terminal's last booked transaction is still ${lastText}, as before this payment`,
      };
    }
    return {
      verdict: 'undetermined',
      basis: `the terminal booked ${lastText}, which this counter has not seen; compare it with the customer's receipt`,
    };
  }
  return {
    verdict: 'did-not-go-through',
    basis: `no approval reached the counter, so none was acknowledged and the terminal cannot have booked it (P15 §2.2.8); its last booked transaction is ${lastText}`,
  };
}
