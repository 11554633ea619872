/**
 * Void of today's card payment (ZVT Reversal 06 30 by receipt number): cancels the whole payment before the
 * terminal's End-of-Day settles it. Needs a manager; later than that, or once money went back, use a refund.
 */
import {
  domainError,
  err,
  ok,
  paymentBalances,
  toDecimalString,
  type DomainError,
  type Result,
} from '../../src-shared';
import { getOrder, getPayment, loadOrderState } from '../store';
import { businessDay, counterNotSetUp, type CheckoutDeps } from './context';
import type { VoidIntent } from './settle';
import { requireManager } from './staff';
import { runTerminalAttempt, type AttemptResult } from './terminal-attempts';

export async function voidCardPayment(
  deps: CheckoutDeps,
  input: { paymentId: string; operatorId: string; manager?: { managerId: string; managerPin: string } },
): Promise<Result<AttemptResult, DomainError>> {
  const notSetUp = counterNotSetUp(deps);
  if (notSetUp) return err(notSetUp);
  const payment = getPayment(deps.db, input.paymentId);
  if (!payment) return err(domainError('PAYMENT_NOT_FOUND', { paymentId: input.paymentId }));
  const refuse = (reason: string) =>
    err(domainError('VOID_NOT_ALLOWED', { paymentId: input.paymentId, reason }));
  if (payment.method !== 'CARD' || !payment.collectedHere)
    return refuse('only card payments taken at this counter can be voided here');
  if (!payment.terminalReference) return refuse('the terminal receipt number is not known');
  if (businessDay(new Date(payment.createdAt)) !== businessDay(deps.clock()))
    return refuse('it was not taken today (the terminal settled it at End-of-Day)');
  const state = loadOrderState(deps.db, payment.orderId);
  const b = state ? paymentBalances(state, payment.paymentId) : undefined;
  if (!b || b.cancelled || b.declined) return refuse('it is already cancelled or was declined');
  if (b.refunded.amountMinor > 0 || b.chargedBack.amountMinor > 0)
    return refuse('money already went back on it');
  const manager = requireManager(deps, input.manager, 'A void');
  if (!manager.ok) return manager;
  const order = getOrder(deps.db, payment.orderId);
  const amountMinor = b.collected.amountMinor;
  const receipt = payment.terminalReference;
  return runTerminalAttempt(deps, {
    kind: 'REVERSAL',
    orderId: payment.orderId,
    amountMinor,
    operatorId: input.operatorId,
    what: `Void ${toDecimalString({ amountMinor, currency: order?.currency ?? deps.currency })} (receipt ${receipt})`,
    prepare: () => {
      const intent: VoidIntent = {
        operationId: deps.newId(),
        messageId: deps.newId(),
        approvedBy: manager.value.staffId,
      };
      return ok({ paymentId: payment.paymentId, intent });
    },
    run: (t) => t.reverse(receipt),
  });
}
