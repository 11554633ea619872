/**
 * Ledger writes for setting a test's scene, straight on the ledger's `…InTx` functions in a transaction of
 * their own: what a terminal's sync push records (an in-store order, a payment taken at the counter), and,
 * for tests of the ledger's own rules, operations appended with **no refund lock, no journal and no acquirer
 * call** (the names say so). Production code has no such door: money the core sends goes through
 * src-core/payments/, and tests that mean a refund or payout use those use cases too.
 */
import type { Money, PaymentId } from '../../src-shared';
import {
  appendOperationInTx,
  openPaymentInTx,
  type OpenPayment,
  type OperationSource,
} from '../../src-core/ledger/append';
import { newOrderLoaded } from '../../src-core/ledger/loaded-order';
import { createOrderInTx, writeInTx, type NewOrder, type LedgerService } from '../../src-core/ledger/service';
import { recordCounterMoneyBackInTx } from '../../src-core/payments/counter-refunds';

type OnPayment = OperationSource & { merchantId: string; paymentId: PaymentId };

export function ledgerWrites(ledger: LedgerService) {
  const { db, ctx } = ledger;
  return {
    createOrder: (input: NewOrder) => writeInTx(db, undefined, (tx) => createOrderInTx(tx, ctx, input)),
    /** An order and its first payment in one transaction (a store sale as a push records it). */
    createOrderWithPayment: (order: NewOrder, payment: Omit<OpenPayment, 'orderId' | 'merchantId'>) =>
      writeInTx(db, payment.paymentId, async (tx) => {
        const created = await createOrderInTx(tx, ctx, order);
        if (!created.ok) return created;
        return openPaymentInTx(tx, ctx, {
          ...payment,
          merchantId: order.merchantId,
          orderId: created.value.orderId,
          lockedOrder: newOrderLoaded(created.value),
        });
      }),
    openPayment: (input: OpenPayment) =>
      writeInTx(db, input.paymentId, (tx) => openPaymentInTx(tx, ctx, input)),
    /** A refund appended by the ledger's rules alone: no refund lock, no journal, no acquirer call. */
    refundWithoutLock: ({ amount, ...rest }: OnPayment & { amount: Money }) =>
      writeInTx(db, rest.paymentId, (tx) =>
        appendOperationInTx(tx, ctx, { ...rest, body: { kind: 'REFUND', amount } }),
      ),
    /** A payout appended by the ledger's rules alone: no refund lock, no journal, no acquirer call. */
    payoutWithoutLock: ({ amount, ...rest }: OnPayment & { amount: Money }) =>
      writeInTx(db, rest.paymentId, (tx) =>
        appendOperationInTx(tx, ctx, { ...rest, body: { kind: 'PAYOUT', amount } }),
      ),
    /** A refund a counter made on its card terminal, recorded as its sync push does (under the refund lock). */
    counterRefund: ({
      amount,
      terminalId,
      ...rest
    }: OnPayment & { amount: Money; terminalId: NonNullable<OperationSource['terminalId']> }) =>
      writeInTx(db, rest.paymentId, (tx) =>
        recordCounterMoneyBackInTx(tx, ctx, {
          ...rest,
          terminalId,
          operationId: rest.operationId ?? ctx.newId(),
          body: { kind: 'REFUND', amount },
        }),
      ),
  };
}
