/**
 * The double-refund rule of the omnichannel guide: "If you accidentally process a refund twice, our platform
 * will return the error message REFUND_ORDER_LOCKED in property errors.id for the second attempt."
 *
 * What counts as a repeat (docs/core.md "The double-refund rule"): a refund (online, back office, pushed by a
 * counter, or a counter refund reservation) of **the same amount and currency** as a refund **recorded on the
 * same order** within the repeat window (default 10 minutes, `COUNTER_REFUND_REPEAT_WINDOW_SECONDS`, 0 turns
 * the rule off), from any channel; likewise a payout repeating a payout. A payout of the same amount as a
 * refund is not a repeat: it is another act (money beyond one payment; the omnichannel story does exactly
 * that). It is answered 409 `REFUND_ORDER_LOCKED` naming the earlier one
 * (channel, time, amount). A retry of the *same* request with the same `X-GCS-Idempotence-Key` never gets
 * here: it replays (or resumes) the first answer. A further refund of a different amount goes through, and
 * so does one of the same amount once the window has passed.
 *
 * It is decided while holding the order's refund lock, in a statement after the lock's
 * (payments/refund-lock.ts runs `findRepeatedMoneyBack` right after taking it; the refund path of
 * payments/money-back.ts judges `repeatedMoneyBackIn` on the order it loads next in the same transaction):
 * every refund or payout of the order is recorded under that lock, so that statement sees all of them that
 * committed and none can commit meanwhile; two equal refunds racing are serialised by the lock and the second
 * sees the first.
 */
import {
  domainError,
  formatMoney,
  toMoney,
  type Channel,
  type CurrencyCode,
  type DomainError,
  type Money,
  type Uuid,
} from '../../src-shared';
import { toIso, toSafeInteger, type Queryable } from '../db/adapter';
import type { StoredOperation } from './rows';

/** The default repeat window: a second equal refund within 10 minutes is taken for an accidental repeat. */
export const DEFAULT_REFUND_REPEAT_WINDOW_MS = 10 * 60 * 1000;

export interface EarlierMoneyBack {
  readonly operationId: Uuid;
  readonly kind: 'REFUND' | 'PAYOUT';
  readonly amount: Money;
  readonly channel: Channel;
  /** The online API's id of that refund or payout: `<paymentId>_<n>`. */
  readonly wireId: string;
  readonly recordedAt: string;
}

interface Row {
  id: string;
  kind: string;
  amount_minor: string | number;
  currency: string;
  channel: string;
  payment_id: string;
  payment_seq: string | number;
  recorded_at: Date | string;
}

/** `COUNTER_REFUND_REPEAT_WINDOW_SECONDS` (whole seconds, 0 = off); absent → the default. */
export function refundRepeatWindowFromEnv(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_REFUND_REPEAT_WINDOW_MS;
  const seconds = Number(value.trim());
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    throw new Error(
      `COUNTER_REFUND_REPEAT_WINDOW_SECONDS must be a whole number of seconds (600 = 10 minutes, 0 = no ` +
        `double-refund rule); got '${value}'.`,
    );
  }
  return seconds * 1000;
}

/** The newest refund (or payout) of this amount on the order within the window; null when there is none. */
export async function findRepeatedMoneyBack(
  q: Queryable,
  orderId: string,
  kind: 'REFUND' | 'PAYOUT',
  amount: Money,
  windowMs: number,
): Promise<EarlierMoneyBack | null> {
  if (windowMs <= 0) return null;
  const rows = await q.query<Row>(
    `SELECT id, kind, amount_minor, currency, channel, payment_id, payment_seq, recorded_at FROM operations
     WHERE order_id = $1 AND kind = $5 AND amount_minor = $2 AND currency = $3
       AND recorded_at > statement_timestamp() - make_interval(secs => $4::double precision / 1000)
     ORDER BY order_seq DESC LIMIT 1`,
    [orderId, amount.amountMinor, amount.currency, windowMs, kind],
  );
  const row = rows[0];
  if (!row) return null;
  const m = toMoney(toSafeInteger(row.amount_minor, 'operations.amount_minor'), row.currency as CurrencyCode);
  if (!m.ok) throw new Error(`operation ${row.id} has an unreadable amount`);
  return {
    operationId: row.id as Uuid,
    kind: row.kind as 'REFUND' | 'PAYOUT',
    amount: m.value,
    channel: row.channel as Channel,
    wireId: `${row.payment_id}_${toSafeInteger(row.payment_seq, 'operations.payment_seq')}`,
    recordedAt: toIso(row.recorded_at, 'operations.recorded_at'),
  };
}

/**
 * The same rule judged on the order's operations as loaded (the refund path loads the whole order under the
 * lock anyway, so this saves a statement): the newest refund (or payout) of this amount recorded less than
 * `windowMs` before `nowIso` (the database clock of the lock's statement). Pure.
 */
export function repeatedMoneyBackIn(
  operations: readonly StoredOperation[],
  kind: 'REFUND' | 'PAYOUT',
  amount: Money,
  windowMs: number,
  nowIso: string,
): EarlierMoneyBack | null {
  if (windowMs <= 0) return null;
  const since = Date.parse(nowIso) - windowMs;
  let newest: EarlierMoneyBack | null = null;
  let newestSeq = -1;
  for (const s of operations) {
    const op = s.operation;
    if ((op.kind !== 'REFUND' && op.kind !== 'PAYOUT') || op.kind !== kind) continue;
    if (op.amount.amountMinor !== amount.amountMinor || op.amount.currency !== amount.currency) continue;
    if (Date.parse(s.recordedAt) <= since || s.orderSeq < newestSeq) continue;
    newestSeq = s.orderSeq;
    newest = {
      operationId: op.id as Uuid,
      kind: op.kind,
      amount: op.amount,
      channel: op.channel,
      wireId: `${op.paymentId}_${s.paymentSeq}`,
      recordedAt: s.recordedAt,
    };
  }
  return newest;
}

const CHANNEL_WORDS: Record<Channel, string> = {
  ONLINE: 'online',
  IN_STORE: 'at the counter',
  BACK_OFFICE: 'in the back office',
};

/** "12:02:11 UTC on 2026-11-26" */
function when(iso: string): string {
  return `${iso.slice(11, 19)} UTC on ${iso.slice(0, 10)}`;
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** Pure: REFUND_ORDER_LOCKED naming the earlier refund, and what to do if this one is genuine. */
export function repeatedRefundError(
  earlier: EarlierMoneyBack,
  orderId: string,
  windowMs: number,
): DomainError {
  const until = new Date(new Date(earlier.recordedAt).getTime() + windowMs).toISOString();
  const span =
    windowMs % 60_000 === 0
      ? plural(windowMs / 60_000, 'minute')
      : plural(Math.ceil(windowMs / 1000), 'second');
  const what = earlier.kind === 'PAYOUT' ? 'payout' : 'refund';
  return {
    ...domainError('REFUND_ORDER_LOCKED', {
      orderId,
      reason:
        `it repeats the ${what} of ${formatMoney(earlier.amount)} made ${CHANNEL_WORDS[earlier.channel]} at ` +
        `${when(earlier.recordedAt)} (${what} ${earlier.wireId}), less than ${span} ago, so it is taken ` +
        `for the same ${what} sent twice and nothing was sent back. If it is a genuine further ${what}, send ` +
        `it again after ${when(until)}`,
      earlierOperationId: earlier.operationId,
      earlierId: earlier.wireId,
      earlierChannel: earlier.channel,
      earlierAt: earlier.recordedAt,
      earlierAmountMinor: earlier.amount.amountMinor,
    }),
    // Final, unlike a refund in progress: a client or a counter queue that resent it after the window would
    // turn the accident the rule stops into a second refund. So it is stored under the idempotence key and a
    // pushed counter refund becomes an exception a manager resolves.
    retryable: false,
  };
}

/** Pure: REFUND_ORDER_LOCKED while another refund or payout of the order is being processed. */
export function refundInProgressError(params: { orderId?: string; paymentId?: string }): DomainError {
  return domainError('REFUND_ORDER_LOCKED', {
    ...params,
    reason:
      'another refund or payout on this order is being processed. Wait for it to finish, then check the ' +
      'refundable amount',
  });
}
