/**
 * Maintenance operations on a payment (reference §8.3–8.5): refund (full, partial, multiple; capped by that
 * payment's captured amount and by the order), capture (partial, multiple, final), cancel (whole, or a
 * partial reversal of the open authorisation), and the lists of refunds and captures. Every acquirer call
 * goes through the write-ahead journal (src-core/journal/); a retry with the same idempotence key resumes its
 * journal row. Refunds and whole cancels (a void of captured money) hold the order's refund lock across the
 * acquirer call, as in the back office and at the counter.
 */
import type {
  CancelPaymentRequest,
  CancelPaymentResponse,
  CapturePaymentRequest,
  CaptureResponse,
  RefundRequest,
  RefundResponse,
  RefundsResponse,
  CapturesResponse,
} from '../../src-shared/online-api';
import { cancel, capture } from '../payments/capture';
import type { PaymentFailure, PaymentResult } from '../payments/outcome';
import { refund as refundPayment } from '../payments/refund';
import type { Appended } from '../ledger/append';
import { ApiFailure } from '../routing/api-error';
import { loadReconciledPayment, paymentIdFromPath } from './common';
import type { OnlineDeps, OnlineHandler } from './deps';
import { captureResponse, moneyFromWire, paymentResponse, refundResponse } from './wire';

/** The operation a use case recorded, or its failure as this API's error (naming the field at fault). */
function recorded(r: PaymentResult, propertyOf: (f: PaymentFailure) => string | undefined): Appended {
  if (!r.ok) throw new ApiFailure(r.error.error, propertyOf(r.error));
  return r.value;
}

/** A failure the amount given caused (the ledger's refusal, before or after the acquirer answered). */
const onAmount = (property: string | undefined) => (f: PaymentFailure) =>
  f.step === 'CHECK' || f.step === 'RECORDING' ? property : undefined;

export function maintenanceHandlers(deps: OnlineDeps) {
  const { journal } = deps;

  const refund: OnlineHandler<RefundRequest, RefundResponse> = async ({
    merchantId,
    params,
    body: req,
    credentials,
    requestKey,
  }) => {
    const paymentId = paymentIdFromPath(params.paymentId);
    const property = req.amountOfMoney ? 'amountOfMoney.amount' : undefined;
    const amount = req.amountOfMoney ? moneyFromWire(req.amountOfMoney, 'amountOfMoney') : null;
    const r = await refundPayment(journal, {
      merchantId,
      paymentId,
      amount,
      holder: `online:${credentials.keyId}`,
      channel: 'ONLINE',
      merchantReference:
        req.operationReferences?.merchantReference ?? req.references?.merchantReference ?? null,
      operatorId: req.omnichannelRefundSpecificInput?.operatorId ?? null,
      requestKey,
    });
    const a = recorded(r, onAmount(property));
    return refundResponse(a.state, a.stored);
  };

  const capturePayment: OnlineHandler<CapturePaymentRequest, CaptureResponse> = async ({
    merchantId,
    params,
    body: req,
    requestKey,
  }) => {
    const paymentId = paymentIdFromPath(params.paymentId);
    const property = req.amount !== undefined ? 'amount' : undefined;
    const r = await capture(journal, {
      merchantId,
      paymentId,
      amountMinor: req.amount ?? null,
      isFinal: req.isFinal ?? null,
      channel: 'ONLINE',
      merchantReference: req.operationReferences?.merchantReference ?? null,
      requestKey,
    });
    // A resumed retry names no field; the first run names the amount for the ledger's refusals.
    const a = recorded(r, (f) => {
      if (f.resumed) return undefined;
      if (f.step === 'AMOUNT' || f.step === 'RECORDING') return 'amount';
      return f.step === 'CHECK' ? property : undefined;
    });
    return captureResponse(a.stored);
  };

  /**
   * Cancel: without an amount the whole payment (voiding what was captured, so it holds the order's refund
   * lock across the acquirer call like a refund); with an amount, that part of the open authorisation. The
   * answer is the payment as it now stands.
   */
  const cancelPayment: OnlineHandler<CancelPaymentRequest, CancelPaymentResponse> = async ({
    merchantId,
    params,
    body: req,
    credentials,
    requestKey,
  }) => {
    const paymentId = paymentIdFromPath(params.paymentId);
    const amount = req.amountOfMoney ? moneyFromWire(req.amountOfMoney, 'amountOfMoney') : null;
    const property = amount ? 'amountOfMoney.amount' : undefined;
    const r = await cancel(journal, {
      merchantId,
      paymentId,
      amount,
      holder: `online:${credentials.keyId}`,
      channel: 'ONLINE',
      merchantReference: req.operationReferences?.merchantReference ?? null,
      requestKey,
    });
    recorded(r, onAmount(property));
    const after = await loadReconciledPayment(deps, merchantId, paymentId);
    return { payment: paymentResponse(after.loaded, after.payment) };
  };

  const listRefunds: OnlineHandler<unknown, RefundsResponse> = async ({ merchantId, params }) => {
    const paymentId = paymentIdFromPath(params.paymentId);
    const { loaded } = await loadReconciledPayment(deps, merchantId, paymentId);
    const refunds = loaded.operations
      .filter((s) => s.operation.paymentId === paymentId && s.operation.kind === 'REFUND')
      .map((s) => refundResponse(loaded.state, s));
    return { refunds };
  };

  const listCaptures: OnlineHandler<unknown, CapturesResponse> = async ({ merchantId, params }) => {
    const paymentId = paymentIdFromPath(params.paymentId);
    const { loaded } = await loadReconciledPayment(deps, merchantId, paymentId);
    const captures = loaded.operations
      .filter((s) => s.operation.paymentId === paymentId && s.operation.kind === 'CAPTURE')
      .map(captureResponse);
    return { captures };
  };

  return { refund, capture: capturePayment, cancel: cancelPayment, listRefunds, listCaptures };
}
