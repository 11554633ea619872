/**
 * Payments: create, get, details, and the omnichannel subsequent payment (reference §8.1, §8.2, §11). The
 * charges are use cases (src-core/payments/charge.ts, subsequent-payment.ts); this adapter maps the wire request to them and their
 * answers (a payment, or a failure with the step it came from) to Worldline's shape and property names.
 */
import type {
  CreatePaymentRequest,
  CreatePaymentResponse,
  PaymentCreationOutput,
  PaymentDetailsResponse,
  PaymentResponse,
  SubsequentPaymentRequest,
} from '../../src-shared/online-api';
import {
  createPayment,
  type ChargeFailure,
  type ChargeResult,
  type Charged,
  type ChargeStep,
} from '../payments/charge';
import { subsequentPayment } from '../payments/subsequent-payment';
import { ApiFailure, fail } from '../routing/api-error';
import { loadReconciledPayment, paymentIdFromPath } from './common';
import { maintenanceHandlers } from './maintenance';
import type { OnlineDeps, OnlineHandler } from './deps';
import { moneyFromWire, operationOutput, paymentResponse } from './wire';

/** `creationOutput` of a create payment: the token it used or created when tokenisation was asked for. */
function creationOutput(charged: Charged): PaymentCreationOutput {
  const t = charged.tokenization;
  if (!t) return {};
  return { token: t.tokenId ?? undefined, isNewToken: t.isNew, tokenizationSucceeded: t.succeeded };
}

/**
 * The answer to a create or subsequent payment: 201 with the payment (captured, authorised, or
 * AUTHORIZATION_REQUESTED while the outcome is unknown), or the failure, naming the field `propertyOf` gives
 * its step; a decline is a PaymentErrorResponse whose `paymentResult` is the recorded payment. The same for
 * the first run and for a retry that resumed the row.
 */
function chargeAnswer(
  r: ChargeResult,
  creation: 'create' | 'subsequent',
  propertyOf: (step: ChargeStep) => string | undefined,
): CreatePaymentResponse {
  const output = (c: Charged) => (creation === 'create' ? { creationOutput: creationOutput(c) } : {});
  if (!r.ok) {
    const f: ChargeFailure = r.error;
    if (f.declined) {
      const payment = paymentResponse(f.declined.loaded, f.declined.payment);
      throw new ApiFailure(f.error, undefined, { paymentResult: { payment, ...output(f.declined) } });
    }
    throw new ApiFailure(f.error, propertyOf(f.step));
  }
  return { payment: paymentResponse(r.value.loaded, r.value.payment), ...output(r.value) };
}

export function paymentHandlers(deps: OnlineDeps) {
  const { journal } = deps;

  const create: OnlineHandler<CreatePaymentRequest, CreatePaymentResponse> = async ({
    merchantId,
    body: req,
    now,
    requestKey,
  }) => {
    const amount = moneyFromWire(req.order.amountOfMoney, 'order.amountOfMoney');
    const input = req.cardPaymentMethodSpecificInput;
    if (input.card && input.token) {
      throw fail(
        'REQUEST_INVALID',
        { propertyName: 'cardPaymentMethodSpecificInput.token', reason: 'send a card or a token, not both' },
        'cardPaymentMethodSpecificInput.token',
      );
    }
    if (!input.card && !input.token) {
      throw fail(
        'REQUEST_INVALID',
        {
          propertyName: 'cardPaymentMethodSpecificInput.card',
          reason: 'it is missing: send card data or a token',
        },
        'cardPaymentMethodSpecificInput.card',
      );
    }
    const c = input.card;
    const r = await createPayment(journal, {
      merchantId,
      amount,
      mode: input.authorizationMode ?? 'SALE',
      payWith: input.token
        ? { kind: 'token', tokenId: input.token }
        : {
            kind: 'card',
            card: {
              kind: 'pan',
              pan: c!.cardNumber.replace(/[\s-]/g, ''),
              expiry: c!.expiryDate,
              cvv: c!.cvv,
              cardholderName: c!.cardholderName,
            },
          },
      cofRequestor: input.unscheduledCardOnFileRequestor ?? null,
      cofSequence: input.unscheduledCardOnFileSequenceIndicator ?? null,
      customerRef: req.order.customer?.merchantCustomerId ?? null,
      merchantReference: req.order.references?.merchantReference ?? null,
      tokenize: input.tokenize === true,
      paymentProductId: input.paymentProductId ?? null,
      requestKey,
      now,
    });
    return chargeAnswer(r, 'create', (step) => {
      switch (step) {
        case 'TOKEN':
          return 'cardPaymentMethodSpecificInput.token';
        case 'CARD':
          return 'cardPaymentMethodSpecificInput.card';
        case 'CHECK':
        case 'RECORDING':
          return 'order.amountOfMoney';
        case 'AMOUNT':
        case null:
          return undefined;
      }
    });
  };

  const get: OnlineHandler<unknown, PaymentResponse> = async ({ merchantId, params }) => {
    const { payment, loaded } = await loadReconciledPayment(
      deps,
      merchantId,
      paymentIdFromPath(params.paymentId),
    );
    return paymentResponse(loaded, payment);
  };

  /** The whole chain's operations (reference §9 `Operations`, capital O), money operations only. */
  const details: OnlineHandler<unknown, PaymentDetailsResponse> = async ({ merchantId, params }) => {
    const { payment, loaded } = await loadReconciledPayment(
      deps,
      merchantId,
      paymentIdFromPath(params.paymentId),
    );
    const operations = loaded.operations
      .filter((s) => !s.operation.kind.startsWith('TOKEN_'))
      .map(operationOutput);
    return { ...paymentResponse(loaded, payment), Operations: operations };
  };

  /**
   * A subsequent payment on any payment of the chain (payments/subsequent-payment.ts): two commits, the
   * journal row written in one write with the order's read, the order judged after.
   */
  const subsequent: OnlineHandler<SubsequentPaymentRequest, CreatePaymentResponse> = async ({
    merchantId,
    params,
    body: req,
    requestKey,
  }) => {
    const paymentId = paymentIdFromPath(params.paymentId);
    const amount = moneyFromWire(req.order.amountOfMoney, 'order.amountOfMoney');
    const specific =
      req.subsequentcardPaymentMethodSpecificInput ?? req.subsequentCardPaymentMethodSpecificInput;
    const r = await subsequentPayment(journal, {
      merchantId,
      paymentId,
      amount,
      mode: specific?.authorizationMode ?? 'SALE',
      merchantReference: req.order.references?.merchantReference ?? null,
      requestKey,
    });
    return chargeAnswer(r, 'subsequent', (step) => {
      switch (step) {
        case 'TOKEN':
          return 'paymentId';
        case 'CHECK':
        case 'RECORDING':
          return 'order.amountOfMoney';
        case 'CARD':
        case 'AMOUNT':
        case null:
          return undefined;
      }
    });
  };

  return { create, get, details, subsequent, ...maintenanceHandlers(deps) };
}
