/**
 * Maintenance operations on a payment (reference §8.3–8.5): refund (full, partial, multiple; capped by that
 * payment's captured amount and by the order), capture (partial, multiple, final), cancel (whole, or a
 * partial reversal of the open authorisation), and the lists of refunds and captures. Every acquirer call
 * goes through the write-ahead journal (src-core/journal/); a retry with the same idempotence key resumes its
 * journal row. Refunds and whole cancels (a void of captured money) hold the order's refund lock across the
 * acquirer call, as in the back office and at the counter.
 */
import { drawOnAuthorisation } from '../payments/authorisation-draws';
import { money, orderBalances, type Money } from '../../src-shared';
import {
  CancelPaymentRequestSchema,
  CapturePaymentRequestSchema,
  RefundRequestSchema,
} from '../../src-shared/online-api';
import type { JournalEntry } from '../journal/entries';
import { movementOutcome } from '../routing/journal-answers';
import { sendMoneyBack } from '../payments/money-back';
import { ApiFailure } from '../routing/api-error';
import { loadReconciledPayment, paymentIdFromPath } from './common';
import type { OnlineDeps, OnlineHandler, OnlineRequest } from './deps';
import {
  amountFromWire,
  captureResponse,
  moneyFromWire,
  parseBody,
  paymentResponse,
  refundResponse,
} from './wire';

/**
 * When the caller sends no amount, the operation takes everything available; when nothing is available the
 * ledger is asked with one minor unit, so the answer is its precise refusal (nothing captured, closed …).
 */
const everythingOrOne = (available: Money): Money =>
  available.amountMinor > 0 ? available : money(1, available.currency);

export function maintenanceHandlers(deps: OnlineDeps) {
  const { journal } = deps;
  /** A retry of a request whose journal row exists: its outcome, never a second acquirer call. */
  const resumed = (
    merchantId: string,
    requestKey: OnlineRequest['requestKey'],
  ): Promise<JournalEntry | null> =>
    requestKey ? journal.resume(merchantId, requestKey) : Promise.resolve(null);

  const refund: OnlineHandler = async ({ merchantId, params, body, credentials, requestKey }) => {
    const paymentId = paymentIdFromPath(params.paymentId);
    const req = parseBody(RefundRequestSchema, body);
    const property = req.amountOfMoney ? 'amountOfMoney.amount' : undefined;
    const earlier = await resumed(merchantId, requestKey);
    if (earlier) {
      const a = await movementOutcome(journal, earlier, property);
      return { status: 201, body: refundResponse(a.state, a.stored) };
    }
    let amount: Money;
    if (req.amountOfMoney) amount = moneyFromWire(req.amountOfMoney, 'amountOfMoney');
    else {
      const { loaded } = await loadReconciledPayment(deps, merchantId, paymentId);
      const b = orderBalances(loaded.state).payments.get(paymentId);
      amount = everythingOrOne(b?.refundable ?? money(0, loaded.order.currency));
    }
    const r = await sendMoneyBack(journal, {
      merchantId,
      paymentId,
      kind: 'REFUND',
      amount,
      holder: `online:${credentials.keyId}`,
      channel: 'ONLINE',
      merchantReference:
        req.operationReferences?.merchantReference ?? req.references?.merchantReference ?? null,
      operatorId: req.omnichannelRefundSpecificInput?.operatorId ?? null,
      requestKey,
    });
    if (!r.ok) throw new ApiFailure(r.error, property);
    const a = await movementOutcome(journal, r.value, property);
    return { status: 201, body: refundResponse(a.state, a.stored) };
  };

  const capture: OnlineHandler = async ({ merchantId, params, body, requestKey }) => {
    const paymentId = paymentIdFromPath(params.paymentId);
    const req = parseBody(CapturePaymentRequestSchema, body);
    const property = req.amount !== undefined ? 'amount' : undefined;
    const earlier = await resumed(merchantId, requestKey);
    if (earlier)
      return { status: 200, body: captureResponse((await movementOutcome(journal, earlier)).stored) };
    const { loaded } = await loadReconciledPayment(deps, merchantId, paymentId);
    const balances = orderBalances(loaded.state).payments.get(paymentId);
    const amount =
      req.amount !== undefined
        ? amountFromWire(req.amount, loaded.order.currency, 'amount')
        : everythingOrOne(balances?.remainingFloat ?? money(0, loaded.order.currency));
    const isFinal = req.isFinal ?? req.amount === undefined;
    const merchantReference = req.operationReferences?.merchantReference ?? null;
    const run = await drawOnAuthorisation(journal, {
      merchantId,
      paymentId,
      channel: 'ONLINE',
      merchantReference,
      body: { kind: 'CAPTURE', amount, isFinal },
      requestKey,
    });
    if (!run.ok) throw new ApiFailure(run.error, property);
    const a = await movementOutcome(journal, run.value, 'amount');
    return { status: 200, body: captureResponse(a.stored) };
  };

  /**
   * Cancel: without an amount the whole payment (voiding what was captured, so it holds the order's refund
   * lock across the acquirer call like a refund); with an amount, that part of the open authorisation.
   */
  const cancel: OnlineHandler = async ({ merchantId, params, body, credentials, requestKey }) => {
    const paymentId = paymentIdFromPath(params.paymentId);
    const req = parseBody(CancelPaymentRequestSchema, body);
    const amount = req.amountOfMoney ? moneyFromWire(req.amountOfMoney, 'amountOfMoney') : null;
    const property = amount ? 'amountOfMoney.amount' : undefined;
    const merchantReference = req.operationReferences?.merchantReference ?? null;
    const earlier = await resumed(merchantId, requestKey);
    if (earlier) await movementOutcome(journal, earlier, property);
    else if (amount) {
      await loadReconciledPayment(deps, merchantId, paymentId);
      const run = await drawOnAuthorisation(journal, {
        merchantId,
        paymentId,
        channel: 'ONLINE',
        merchantReference,
        body: { kind: 'AUTHORISATION_REVERSAL', amount },
        requestKey,
      });
      if (!run.ok) throw new ApiFailure(run.error, property);
      await movementOutcome(journal, run.value, property);
    } else {
      await loadReconciledPayment(deps, merchantId, paymentId);
      const r = await sendMoneyBack(journal, {
        merchantId,
        paymentId,
        kind: 'CANCEL',
        holder: `online:${credentials.keyId}`,
        channel: 'ONLINE',
        merchantReference,
        requestKey,
      });
      if (!r.ok) throw new ApiFailure(r.error);
      await movementOutcome(journal, r.value);
    }
    const after = await loadReconciledPayment(deps, merchantId, paymentId);
    return { status: 200, body: { payment: paymentResponse(after.loaded, after.payment) } };
  };

  const listRefunds: OnlineHandler = async ({ merchantId, params }) => {
    const paymentId = paymentIdFromPath(params.paymentId);
    const { loaded } = await loadReconciledPayment(deps, merchantId, paymentId);
    const refunds = loaded.operations
      .filter((s) => s.operation.paymentId === paymentId && s.operation.kind === 'REFUND')
      .map((s) => refundResponse(loaded.state, s));
    return { status: 200, body: { refunds } };
  };

  const listCaptures: OnlineHandler = async ({ merchantId, params }) => {
    const paymentId = paymentIdFromPath(params.paymentId);
    const { loaded } = await loadReconciledPayment(deps, merchantId, paymentId);
    const captures = loaded.operations
      .filter((s) => s.operation.paymentId === paymentId && s.operation.kind === 'CAPTURE')
      .map(captureResponse);
    return { status: 200, body: { captures } };
  };

  return { refund, capture, cancel, listRefunds, listCaptures };
}
