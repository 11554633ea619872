/**
 * Maintenance operations on a payment (reference §8.3–8.5): refund (full, partial, multiple; capped by that
 * payment's captured amount and by the order), capture (partial, multiple, final), cancel (whole, or a
 * partial reversal of the open authorisation), and the lists of refunds and captures.
 */
import { money, orderBalances, type Money } from '../../../src-shared';
import {
  CancelPaymentRequestSchema,
  CapturePaymentRequestSchema,
  RefundRequestSchema,
} from '../../../src-shared/online-api';
import { sendMoneyBack } from '../../ledger/money-back';
import { checkOperation } from '../../ledger/service';
import { ApiFailure } from '../api-error';
import { findPayment, paymentIdFromPath } from './common';
import type { OnlineDeps, OnlineHandler } from './routes';
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
  const { ledger, acquirer } = deps;

  const refund: OnlineHandler = async ({ merchantId, params, body, credentials }) => {
    const paymentId = paymentIdFromPath(params.paymentId);
    const req = parseBody(RefundRequestSchema, body);
    let amount: Money;
    if (req.amountOfMoney) amount = moneyFromWire(req.amountOfMoney, 'amountOfMoney');
    else {
      const { loaded } = await findPayment(deps, merchantId, paymentId);
      const b = orderBalances(loaded.state).payments.get(paymentId);
      amount = everythingOrOne(b?.refundable ?? money(0, loaded.order.currency));
    }
    const r = await sendMoneyBack(
      ledger,
      {
        merchantId,
        paymentId,
        kind: 'REFUND',
        amount,
        holder: `online:${credentials.keyId}`,
        channel: 'ONLINE',
        merchantReference:
          req.operationReferences?.merchantReference ?? req.references?.merchantReference ?? null,
        operatorId: req.omnichannelRefundSpecificInput?.operatorId ?? null,
      },
      async ({ payment }) => acquirer.refund({ cardRef: payment.card?.cardRef ?? null, amount, paymentId }),
    );
    if (!r.ok) throw new ApiFailure(r.error, req.amountOfMoney ? 'amountOfMoney.amount' : undefined);
    return { status: 201, body: refundResponse(r.value.state, r.value.stored) };
  };

  const capture: OnlineHandler = async ({ merchantId, params, body }) => {
    const paymentId = paymentIdFromPath(params.paymentId);
    const req = parseBody(CapturePaymentRequestSchema, body);
    const { payment, loaded } = await findPayment(deps, merchantId, paymentId);
    const balances = orderBalances(loaded.state).payments.get(paymentId);
    const amount =
      req.amount !== undefined
        ? amountFromWire(req.amount, loaded.order.currency, 'amount')
        : everythingOrOne(balances?.remainingFloat ?? money(0, loaded.order.currency));
    const isFinal = req.isFinal ?? req.amount === undefined;
    const input = {
      merchantId,
      paymentId,
      channel: 'ONLINE' as const,
      body: { kind: 'CAPTURE' as const, amount, isFinal },
      merchantReference: req.operationReferences?.merchantReference ?? null,
    };
    const check = await checkOperation(deps.db, ledger.ctx, input);
    if (!check.ok) throw new ApiFailure(check.error, req.amount !== undefined ? 'amount' : undefined);
    const atAcquirer = await acquirer.capture({
      acquirerReference: payment.acquirerReference,
      amount,
      isFinal,
    });
    if (!atAcquirer.ok) throw new ApiFailure(atAcquirer.error);
    const r = await ledger.append(input);
    if (!r.ok) throw new ApiFailure(r.error, 'amount');
    return { status: 200, body: captureResponse(r.value.stored) };
  };

  const cancel: OnlineHandler = async ({ merchantId, params, body }) => {
    const paymentId = paymentIdFromPath(params.paymentId);
    const req = parseBody(CancelPaymentRequestSchema, body);
    const { payment } = await findPayment(deps, merchantId, paymentId);
    const amount = req.amountOfMoney ? moneyFromWire(req.amountOfMoney, 'amountOfMoney') : null;
    // A partial cancel releases part of the open authorisation; without an amount the whole payment is cancelled.
    const input = {
      merchantId,
      paymentId,
      channel: 'ONLINE' as const,
      body: amount ? { kind: 'AUTHORISATION_REVERSAL' as const, amount } : { kind: 'CANCEL' as const },
      merchantReference: req.operationReferences?.merchantReference ?? null,
    };
    const check = await checkOperation(deps.db, ledger.ctx, input);
    if (!check.ok) throw new ApiFailure(check.error, amount ? 'amountOfMoney.amount' : undefined);
    const atAcquirer = await acquirer.cancel({ acquirerReference: payment.acquirerReference, amount });
    if (!atAcquirer.ok) throw new ApiFailure(atAcquirer.error);
    const r = await ledger.append(input);
    if (!r.ok) throw new ApiFailure(r.error);
    const after = await findPayment(deps, merchantId, paymentId);
    return { status: 200, body: { payment: paymentResponse(after.loaded, after.payment) } };
  };

  const listRefunds: OnlineHandler = async ({ merchantId, params }) => {
    const paymentId = paymentIdFromPath(params.paymentId);
    const { loaded } = await findPayment(deps, merchantId, paymentId);
    const refunds = loaded.operations
      .filter((s) => s.operation.paymentId === paymentId && s.operation.kind === 'REFUND')
      .map((s) => refundResponse(loaded.state, s));
    return { status: 200, body: { refunds } };
  };

  const listCaptures: OnlineHandler = async ({ merchantId, params }) => {
    const paymentId = paymentIdFromPath(params.paymentId);
    const { loaded } = await findPayment(deps, merchantId, paymentId);
    const captures = loaded.operations
      .filter((s) => s.operation.paymentId === paymentId && s.operation.kind === 'CAPTURE')
      .map(captureResponse);
    return { status: 200, body: { captures } };
  };

  return { refund, capture, cancel, listRefunds, listCaptures };
}
