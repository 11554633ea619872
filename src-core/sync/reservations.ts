/**
 * The terminal sync API's refund reservations (card-present refunds at the counter, issue 3): each endpoint
 * maps its wire request to a use case of src-core/payments/refund-reservations.ts and the result back to its
 * wire answer (a refusal to the API error shape). A reservation confirmed by a pushed REFUND message is
 * apply.ts, calling the same use case in the push's transaction.
 */
import type { Reservation } from '../../src-shared/sync-protocol';
import type { Terminal } from '../accounts/accounts';
import type { Queryable } from '../db/adapter';
import type { LedgerService } from '../ledger/service';
import {
  confirmReservedCounterRefund,
  findCounterRefundReservation,
  releaseCounterRefundReservation,
  reserveCounterRefund,
  type ConfirmReservation,
  type RefundReservation,
  type ReserveCounterRefund,
  type WarnLog,
} from '../payments/refund-reservations';
import { ApiFailure } from '../routing/api-error';

const wire = (r: RefundReservation): Reservation => r;

/** Reserves a refund; a retry with the same reservation id answers the same reservation. */
export async function reserve(ledger: LedgerService, terminal: Terminal, req: ReserveCounterRefund) {
  const r = await reserveCounterRefund(ledger, terminal, req);
  if (!r.ok) {
    throw new ApiFailure(r.error.error, r.error.step === 'CHECK' ? 'body.amount.amountMinor' : undefined);
  }
  return wire(r.value);
}

export async function getReservation(q: Queryable, terminal: Terminal, reservationId: string) {
  const r = await findCounterRefundReservation(q, terminal, reservationId);
  if (!r.ok) throw new ApiFailure(r.error);
  return wire(r.value);
}

/** The confirm endpoint: one transaction, answered with the reservation as it now stands. */
export async function confirmReservation(
  ledger: LedgerService,
  terminal: Terminal,
  reservationId: string,
  input: ConfirmReservation,
  log: WarnLog,
) {
  const r = await confirmReservedCounterRefund(ledger, terminal, reservationId, input, log);
  if (!r.ok) throw new ApiFailure(r.error);
  return { ...r.value, reservation: wire(r.value.reservation) };
}

/** Gives the reservation up (the card terminal declined, the cashier aborted); releasing twice is fine. */
export async function releaseReservation(ledger: LedgerService, terminal: Terminal, reservationId: string) {
  const r = await releaseCounterRefundReservation(ledger, terminal, reservationId);
  if (!r.ok) throw new ApiFailure(r.error);
  return wire(r.value);
}
