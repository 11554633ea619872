/**
 * A counter's refund reservation as stored (`refund_reservations`) and as the terminal sees it: the row, its
 * state by the database clock, and the payment's refundable amount beside it. refund-reservations.ts has the
 * use cases that reserve, confirm and release.
 */
import { money, orderBalances, type CurrencyCode, type Money, type PaymentId } from '../../src-shared';
import type { Terminal } from '../accounts/accounts';
import { toIso, toSafeInteger, type Queryable } from '../db/adapter';
import { loadOrderInTx } from '../ledger/loaded-order';

/** The terminal that reserves: whose merchant, which terminal (a reservation is only ever its own). */
export type ReservingTerminal = Pick<Terminal, 'terminalId' | 'merchantId'>;

/** A reservation as it stands; EXPIRED is a HELD one whose time ran out (by the database clock). */
export interface RefundReservation {
  reservationId: string;
  orderId: string;
  paymentId: string;
  amount: Money;
  state: 'HELD' | 'CONFIRMED' | 'RELEASED' | 'EXPIRED';
  createdAt: string;
  expiresAt: string;
  /** The refund recorded when it was confirmed. */
  operationId: string | null;
  /** The payment's refundable amount now (with a held reservation still counted as not refunded). */
  refundable: Money;
}

export interface ReservationRow {
  id: string;
  terminal_id: string;
  order_id: string;
  payment_id: string;
  amount_minor: string | number;
  currency: string;
  lock_id: string;
  state: 'HELD' | 'CONFIRMED' | 'RELEASED';
  operation_id: string | null;
  created_at: Date | string;
  expires_at: Date | string;
  /** Computed with the database clock, the one the refund lock expires by. */
  expired: boolean;
}

export const RESERVATION_COLUMNS =
  'id, terminal_id, order_id, payment_id, amount_minor, currency, lock_id, state, operation_id, created_at, ' +
  'expires_at, (expires_at <= statement_timestamp()) AS expired';

export async function selectReservation(
  q: Queryable,
  terminal: ReservingTerminal,
  reservationId: string,
  forUpdate = false,
): Promise<ReservationRow | null> {
  const rows = await q.query<ReservationRow>(
    `SELECT ${RESERVATION_COLUMNS} FROM refund_reservations WHERE id = $1 AND merchant_id = $2 AND terminal_id = $3
     ${forUpdate ? 'FOR UPDATE' : ''}`,
    [reservationId, terminal.merchantId, terminal.terminalId],
  );
  return rows[0] ?? null;
}

export const reservedAmount = (r: ReservationRow): Money =>
  money(toSafeInteger(r.amount_minor, 'refund_reservations.amount_minor'), r.currency as CurrencyCode);

export const stateOf = (r: ReservationRow) => (r.state === 'HELD' && r.expired ? 'EXPIRED' : r.state);

export async function reservationView(
  q: Queryable,
  terminal: ReservingTerminal,
  r: ReservationRow,
): Promise<RefundReservation> {
  const loaded = await loadOrderInTx(q, terminal.merchantId, r.order_id);
  const refundable = loaded
    ? orderBalances(loaded.state).payments.get(r.payment_id as PaymentId)?.refundable
    : undefined;
  return {
    reservationId: r.id,
    orderId: r.order_id,
    paymentId: r.payment_id,
    amount: reservedAmount(r),
    state: stateOf(r),
    createdAt: toIso(r.created_at, 'created_at'),
    expiresAt: toIso(r.expires_at, 'expires_at'),
    operationId: r.operation_id,
    refundable: refundable ?? money(0, r.currency),
  };
}
