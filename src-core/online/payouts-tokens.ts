/**
 * Payouts (omnichannel: money back beyond one payment, capped by what the order collected), tokens
 * (create/get/delete, recorded as token operations) and `services/testconnection`.
 */
import { maskPan } from '../../src-shared';
import type {
  CreatedTokenResponse,
  CreatePayoutRequest,
  CreateTokenRequest,
  PayoutResponse,
  TokenResponse,
} from '../../src-shared/online-api';
import { selectOperationBySeq } from '../ledger/store';
import { selectToken, type TokenRecord } from '../ledger/tokens';
import { payout } from '../payments/refund';
import { createToken, deleteToken } from '../payments/tokens';
import { ApiFailure, fail } from '../routing/api-error';
import { paymentIdFromPath } from './common';
import type { OnlineDeps, OnlineHandler } from './deps';
import { moneyFromWire, parseOperationWireId, payoutResponse } from './wire';

export function payoutHandlers(deps: OnlineDeps) {
  const create: OnlineHandler<CreatePayoutRequest, PayoutResponse> = async ({
    merchantId,
    body: req,
    credentials,
    requestKey,
  }) => {
    const amount = moneyFromWire(req.amountOfMoney, 'amountOfMoney');
    const paymentId = paymentIdFromPath(
      req.omnichannelPayoutSpecificInput.paymentId,
      'omnichannelPayoutSpecificInput.paymentId',
    );
    // A retry of a payout that reached the acquirer answers from its journal row: never a second payout.
    const r = await payout(deps.journal, {
      merchantId,
      paymentId,
      amount,
      holder: `online:${credentials.keyId}`,
      channel: 'ONLINE',
      merchantReference: req.references?.merchantReference ?? null,
      operatorId: req.omnichannelPayoutSpecificInput.operatorId ?? null,
      requestKey,
    });
    if (!r.ok) {
      const { error, step, resumed } = r.error;
      const onPayment = step === 'CHECK' && !resumed && error.code === 'PAYMENT_NOT_FOUND';
      const named = step === 'CHECK' || step === 'RECORDING';
      throw new ApiFailure(
        error,
        onPayment ? 'omnichannelPayoutSpecificInput.paymentId' : named ? 'amountOfMoney.amount' : undefined,
      );
    }
    return payoutResponse(r.value.stored);
  };

  const get: OnlineHandler<unknown, PayoutResponse> = async ({ merchantId, params }) => {
    const payoutId = params.payoutId ?? '';
    const parsed = parseOperationWireId(payoutId);
    const stored = parsed
      ? await selectOperationBySeq(deps.db, merchantId, parsed.paymentId, parsed.paymentSeq)
      : null;
    if (!stored || stored.operation.kind !== 'PAYOUT')
      throw fail('OPERATION_NOT_FOUND', { operationId: payoutId });
    return payoutResponse(stored);
  };

  return { create, get };
}

function tokenResponse(t: TokenRecord): TokenResponse {
  const masked = `************${t.last4}`;
  return {
    id: t.tokenId,
    paymentProductId: t.paymentProductId ?? undefined,
    isTemporary: false,
    card: {
      alias: masked,
      data: {
        cardWithoutCvv: {
          cardNumber: masked,
          cardholderName: t.cardholderName ?? undefined,
          expiryDate: t.expiry,
        },
        cardBinDetails: t.bin ? { bin: t.bin } : undefined,
      },
    },
  };
}

export function tokenHandlers(deps: OnlineDeps) {
  const create: OnlineHandler<CreateTokenRequest, CreatedTokenResponse> = async ({
    merchantId,
    body: req,
    now,
  }) => {
    const c = req.card.data.card;
    const pan = c.cardNumber.replace(/[\s-]/g, '');
    const r = await createToken(deps.journal, {
      merchantId,
      card: { kind: 'pan', pan, expiry: c.expiryDate, cvv: c.cvv, cardholderName: c.cardholderName },
      customerRef: req.card.customer?.merchantCustomerId ?? null,
      paymentProductId: req.paymentProductId ?? null,
      now,
    });
    if (!r.ok) throw new ApiFailure(r.error, 'card.data.card');
    return {
      token: r.value.tokenId,
      tokenStatus: 'CREATED',
      isNewToken: true,
      card: {
        cardNumber: maskPan(pan).replace(/^\d{6}/, '******'),
        cardholderName: c.cardholderName,
        expiryDate: c.expiryDate,
      },
    };
  };

  const get: OnlineHandler<unknown, TokenResponse> = async ({ merchantId, params }) => {
    const tokenId = params.tokenId ?? '';
    const token = await selectToken(deps.db, merchantId, tokenId);
    if (!token) throw fail('TOKEN_NOT_FOUND', { tokenId });
    if (token.status === 'DELETED') throw fail('TOKEN_DELETED', { tokenId });
    return tokenResponse(token);
  };

  /** Deleting a token is a token operation (payments/tokens.ts `deleteToken`). */
  const remove: OnlineHandler<unknown, null> = async ({ merchantId, params }) => {
    const r = await deleteToken(deps.ledger, { merchantId, tokenId: params.tokenId ?? '' });
    if (!r.ok) throw new ApiFailure(r.error);
    return null;
  };

  return { create, get, remove };
}

export function serviceHandlers() {
  const testConnection: OnlineHandler<unknown, { result: 'OK' }> = async () => ({ result: 'OK' });
  return { testConnection };
}
