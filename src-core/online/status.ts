/**
 * Wire statuses of the online API (reference §10). `status` strings and `statusCategory` follow §10.1/10.2;
 * the numeric `statusCode` follows the legacy table of §10.3. Where the reference has no value (marked
 * [unconfirmed] there), the choice is ours and docs/core.md lists it.
 */
import type { OperationKind, PaymentBalances } from '../../src-shared';
import type { OnlineStatus, StatusCategory } from '../../src-shared/online-api';
import type { PaymentRecord } from '../ledger/rows';

export interface WireStatus {
  status: OnlineStatus;
  statusCode: number;
  statusCategory: StatusCategory;
}

const wireStatus = (
  status: OnlineStatus,
  statusCode: number,
  statusCategory: StatusCategory,
): WireStatus => ({
  status,
  statusCode,
  statusCategory,
});

export const PENDING_AUTHORISATION = wireStatus(
  'AUTHORIZATION_REQUESTED',
  51,
  'PENDING_CONNECT_OR_3RD_PARTY',
);
export const REJECTED = wireStatus('REJECTED', 2, 'UNSUCCESSFUL');
export const PENDING_CAPTURE = wireStatus('PENDING_CAPTURE', 5, 'PENDING_MERCHANT');
export const CAPTURED = wireStatus('CAPTURED', 9, 'COMPLETED');
export const CANCELLED = wireStatus('CANCELLED', 6, 'UNSUCCESSFUL');
export const REFUNDED = wireStatus('REFUNDED', 8, 'REFUNDED');
/** Our choice: the legacy table has no chargeback code we could confirm. */
export const CHARGEBACKED = wireStatus('CHARGEBACKED', 7, 'REVERSED');
/** Our choice for a completed payout: credited to the card, like a refund. */
export const ACCOUNT_CREDITED = wireStatus('ACCOUNT_CREDITED', 8, 'COMPLETED');
const TOKEN_OPERATION = wireStatus('CREATED', 0, 'CREATED');

/** A payment's status from its derived balances. */
export function paymentWireStatus(payment: PaymentRecord, b: PaymentBalances | undefined): WireStatus {
  if (payment.outcome === 'UNKNOWN' || !b) return PENDING_AUTHORISATION;
  switch (b.status) {
    case 'DECLINED':
      return REJECTED;
    case 'CANCELLED':
    case 'REVERSED':
      return CANCELLED;
    case 'AUTHORISED':
      return PENDING_CAPTURE;
    case 'PARTIALLY_CAPTURED':
    case 'CAPTURED':
    case 'PARTIALLY_REFUNDED':
      return CAPTURED;
    case 'REFUNDED':
      return REFUNDED;
    case 'CHARGEBACKED':
      return CHARGEBACKED;
  }
}

/** The status of one operation in `Operations` of the payment details. */
export function operationWireStatus(kind: OperationKind): WireStatus {
  switch (kind) {
    case 'AUTHORISATION':
      return PENDING_CAPTURE;
    case 'SALE':
    case 'CAPTURE':
    case 'REBILL':
    case 'CHARGEBACK_REVERSAL':
      return CAPTURED;
    case 'DECLINE':
      return REJECTED;
    case 'AUTHORISATION_REVERSAL':
    case 'CANCEL':
      return CANCELLED;
    case 'REFUND':
      return REFUNDED;
    case 'PAYOUT':
      return ACCOUNT_CREDITED;
    case 'CHARGEBACK':
      return CHARGEBACKED;
    case 'TOKEN_CREATE':
    case 'TOKEN_USE':
    case 'TOKEN_DELETE':
      return TOKEN_OPERATION;
  }
}

/** `statusCodeChangeDateTime` as Worldline writes it: YYYYMMDDHHmmss (UTC). */
export function statusDateTime(iso: string): string {
  return iso.replace(/[-:T]/g, '').slice(0, 14);
}
