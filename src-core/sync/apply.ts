/**
 * Applies one terminal message inside the transaction push.ts opened (so the message and its idempotence
 * record commit together): maps the wire message to a use case of src-core/payments/ and its result back to
 * the wire answer. A refusal is returned as a value and push.ts rolls the transaction back.
 *
 * The use cases: the counter's orders and payments (counter-sales.ts), captures and reversals
 * (counter-captures.ts), refunds and voids under the order's refund lock (counter-refunds.ts; another channel
 * holding it rejects the message REFUND_ORDER_LOCKED, retryable: the terminal sends it again later), cash
 * movements (cash-movements.ts), a refund confirming its reservation (refund-reservations.ts). The day's
 * close is end-of-day.ts.
 */
import { domainError, err, ok, orderBalances, zero, type DomainError, type Result } from '../../src-shared';
import type { AcceptedDetails, SyncMessage } from '../../src-shared/sync-protocol';
import type { Terminal } from '../accounts/accounts';
import type { Queryable } from '../db/adapter';
import type { LedgerContext } from '../ledger/context';
import type { Appended } from '../ledger/append';
import { recordCashMovementInTx } from '../payments/cash-movements';
import { recordCounterDrawInTx } from '../payments/counter-captures';
import { recordCounterMoneyBackInTx } from '../payments/counter-refunds';
import { openCounterOrderInTx, recordCounterPaymentInTx } from '../payments/counter-sales';
import { confirmReservedCounterRefundInTx } from '../payments/refund-reservations';
import { recordEndOfDayInTx } from './end-of-day';

export interface ApplyContext {
  ctx: LedgerContext;
  terminal: Terminal;
}

type Applied = Result<AcceptedDetails, DomainError>;

function details(a: Appended): AcceptedDetails {
  return {
    orderId: a.order.orderId,
    paymentId: a.stored.operation.paymentId,
    operationId: a.stored.operation.id,
    feedPosition: a.stored.feedPos,
    refundable: orderBalances(a.state).refundable,
  };
}

const answered = (r: Result<Appended, DomainError>): Applied => (r.ok ? ok(details(r.value)) : r);

export async function applyMessageInTx(tx: Queryable, ac: ApplyContext, m: SyncMessage): Promise<Applied> {
  const { terminal, ctx } = ac;
  const occurredAt = new Date(m.occurredAt);
  switch (m.kind) {
    case 'ORDER_CREATED': {
      const created = await openCounterOrderInTx(tx, ctx, terminal, {
        orderId: m.orderId,
        currency: m.currency,
        total: m.total,
        customerRef: m.customerRef ?? null,
        merchantReference: m.merchantReference ?? null,
        occurredAt,
      });
      if (!created.ok) return created;
      return ok({ orderId: created.value.orderId, refundable: zero(m.currency) });
    }
    case 'PAYMENT_RECORDED': {
      const r = await recordCounterPaymentInTx(tx, ctx, terminal, {
        orderId: m.orderId,
        paymentId: m.paymentId,
        operationId: m.operationId,
        method: m.method,
        opening: m.result,
        card: m.card ?? null,
        storeCard: m.storeCard === true,
        authorisationCode: m.authorisationCode ?? null,
        terminalReference: m.terminalReference ?? null,
        operatorId: m.operatorId ?? null,
        occurredAt,
      });
      if (r.ok) return ok(details(r.value));
      return r.error.kind === 'REFUSED'
        ? err(r.error.error)
        : err(domainError('SYNC_MESSAGE_INVALID', { messageId: m.messageId, reason: r.error.reason }));
    }
    case 'CAPTURE':
    case 'AUTHORISATION_REVERSAL':
      return answered(
        await recordCounterDrawInTx(tx, ctx, terminal, {
          paymentId: m.paymentId,
          operationId: m.operationId,
          operatorId: m.operatorId ?? null,
          occurredAt,
          body:
            m.kind === 'CAPTURE'
              ? { kind: 'CAPTURE', amount: m.amount, isFinal: m.isFinal }
              : { kind: 'AUTHORISATION_REVERSAL', amount: m.amount },
        }),
      );
    case 'VOID':
    case 'REFUND': {
      if (m.kind === 'REFUND' && m.reservationId) {
        const r = await confirmReservedCounterRefundInTx(tx, ctx, terminal, m.reservationId, {
          paymentId: m.paymentId,
          operationId: m.operationId,
          amount: m.amount,
          occurredAt,
          operatorId: m.operatorId ?? null,
        });
        if (!r.ok) return r;
        return ok({
          ...(r.value.appended ? details(r.value.appended) : {}),
          orderId: r.value.reservation.orderId,
          paymentId: r.value.reservation.paymentId,
          operationId: m.operationId,
          reservationWasHeld: r.value.reservationWasHeld,
        });
      }
      return answered(
        await recordCounterMoneyBackInTx(tx, ctx, {
          merchantId: terminal.merchantId,
          channel: 'IN_STORE',
          terminalId: terminal.terminalId,
          occurredAt,
          paymentId: m.paymentId,
          operationId: m.operationId,
          operatorId: m.operatorId ?? null,
          body: m.kind === 'REFUND' ? { kind: 'REFUND', amount: m.amount } : { kind: 'CANCEL' },
        }),
      );
    }
    case 'CASH_MOVEMENT':
      await recordCashMovementInTx(tx, ctx, terminal, {
        movementId: m.messageId,
        direction: m.direction,
        reason: m.reason,
        amount: m.amount,
        note: m.note ?? null,
        operatorId: m.operatorId ?? null,
        occurredAt,
      });
      return ok({});
    case 'END_OF_DAY':
      return ok({ reconciliation: await recordEndOfDayInTx(tx, ctx, terminal, m) });
  }
}
