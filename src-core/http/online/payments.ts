/**
 * Payments: create (card data or a token; SALE / FINAL_AUTHORIZATION / PRE_AUTHORIZATION; card on file;
 * optional tokenisation), get, details, and the omnichannel subsequent payment on any payment of a chain
 * (reference §8.1, §8.2, §11). The acquirer is called outside any database transaction; its answer is then
 * recorded in one transaction.
 */
import { randomUUID } from 'node:crypto';
import {
  applyOperation,
  catalogEntry,
  domainError,
  orderBalances,
  type AuthorisationMode,
  type Money,
  type Operation,
  type PaymentId,
  type Uuid,
} from '../../../src-shared';
import { CreatePaymentRequestSchema, SubsequentPaymentRequestSchema } from '../../../src-shared/online-api';
import type { AuthoriseOutcome, CardInput } from '../../acquirer/acquirer';
import type { Queryable } from '../../db/adapter';
import type { PaymentRecord } from '../../ledger/rows';
import {
  appendOperationInTx,
  createOrderInTx,
  openPaymentInTx,
  recordUnknownPaymentInTx,
  Refused,
  type OpenPayment,
} from '../../ledger/service';
import { mintCorePaymentId } from '../../ledger/store';
import { insertToken, insertTokenEvent, selectToken, type TokenRecord } from '../../ledger/tokens';
import { apiErrorItem, ApiFailure, fail } from '../api-error';
import type { ApiAnswer } from '../idempotence';
import { cardFacts, findPayment, notOnFile, paymentIdFromPath } from './common';
import { maintenanceHandlers } from './maintenance';
import type { OnlineDeps, OnlineHandler } from './routes';
import { moneyFromWire, operationOutput, parseBody, paymentResponse } from './wire';

/** A token the merchant may charge: ours, or a virtual-terminal card token the acquirer knows. */
export async function usableToken(
  deps: OnlineDeps,
  q: Queryable,
  merchantId: string,
  tokenId: string,
  propertyName: string,
): Promise<TokenRecord> {
  const token = await selectToken(q, merchantId, tokenId);
  if (token) {
    if (token.status !== 'ACTIVE')
      throw new ApiFailure(domainError('TOKEN_DELETED', { tokenId }), propertyName);
    return token;
  }
  // A card used at the counter: the terminal reported its token, and the acquirer knows it.
  const known = deps.acquirer.describeCardRef(tokenId);
  if (!known || !known.expiry)
    throw new ApiFailure(domainError('TOKEN_NOT_FOUND', { tokenId }), propertyName);
  return insertToken(q, deps.ledger.ctx, {
    merchantId,
    tokenId,
    customerRef: null,
    cardRef: known.cardRef,
    brand: known.brand,
    bin: known.bin,
    last4: known.last4,
    expiry: known.expiry,
    cardholderName: null,
    paymentProductId: null,
    channel: 'IN_STORE',
  });
}

interface Recorded {
  payment: PaymentRecord;
  paymentId: PaymentId;
  orderId: Uuid;
}

/** Records the acquirer's answer for a new payment in one transaction (order, payment, token operations). */
async function recordAuthorisation(
  deps: OnlineDeps,
  input: {
    merchantId: string;
    orderId: Uuid | null;
    newOrder: {
      customerRef: string | null;
      merchantReference: string | null;
      currency: Money['currency'];
    } | null;
    paymentId: PaymentId;
    amount: Money;
    mode: AuthorisationMode;
    outcome: AuthoriseOutcome;
    base: Omit<OpenPayment, 'merchantId' | 'orderId' | 'opening' | 'paymentId' | 'channel'>;
    usedToken: TokenRecord | null;
    tokenize: { customerRef: string | null; cardholderName: string | null } | null;
  },
): Promise<Recorded & { newTokenId: string | null }> {
  const { ctx } = deps.ledger;
  return deps.db.transaction(async (tx) => {
    let orderId = input.orderId;
    if (!orderId) {
      const created = await createOrderInTx(tx, ctx, {
        merchantId: input.merchantId,
        currency: input.newOrder!.currency,
        total: null,
        channel: 'ONLINE',
        customerRef: input.newOrder!.customerRef,
        merchantReference: input.newOrder!.merchantReference,
      });
      if (!created.ok) throw new Refused(created.error);
      orderId = created.value.orderId;
    }
    const o = input.outcome;
    if (o.outcome === 'UNKNOWN') {
      const r = await recordUnknownPaymentInTx(tx, ctx, {
        ...input.base,
        merchantId: input.merchantId,
        orderId,
        paymentId: input.paymentId,
        channel: 'ONLINE',
        requestedMode: input.mode,
        amount: input.amount,
        acquirerReference: o.acquirerReference,
      });
      if (!r.ok) throw new Refused(r.error);
      return { payment: r.value, paymentId: input.paymentId, orderId, newTokenId: null };
    }
    const opening =
      o.outcome === 'DECLINED'
        ? ({ kind: 'DECLINE', amount: input.amount, reason: o.reason } as const)
        : input.mode === 'SALE'
          ? ({ kind: 'SALE', amount: input.amount } as const)
          : ({ kind: 'AUTHORISATION', mode: input.mode, amount: input.amount } as const);
    const opened = await openPaymentInTx(tx, ctx, {
      ...input.base,
      merchantId: input.merchantId,
      orderId,
      paymentId: input.paymentId,
      channel: 'ONLINE',
      opening,
      authorisationCode: o.outcome === 'APPROVED' ? o.authorisationCode : null,
      acquirerReference: o.acquirerReference,
    });
    if (!opened.ok) throw new Refused(opened.error);
    let newTokenId: string | null = null;
    if (o.outcome === 'APPROVED') {
      const tokenOp = async (kind: 'TOKEN_CREATE' | 'TOKEN_USE', tokenId: string) => {
        const r = await appendOperationInTx(tx, ctx, {
          merchantId: input.merchantId,
          paymentId: input.paymentId,
          channel: 'ONLINE',
          body: { kind, tokenId },
        });
        if (!r.ok) throw new Refused(r.error);
        await insertTokenEvent(tx, ctx, {
          merchantId: input.merchantId,
          tokenId,
          kind,
          channel: 'ONLINE',
          paymentId: input.paymentId,
        });
      };
      if (input.usedToken) await tokenOp('TOKEN_USE', input.usedToken.tokenId);
      else if (input.tokenize && o.card.expiry) {
        newTokenId = randomUUID();
        await insertToken(tx, ctx, {
          merchantId: input.merchantId,
          tokenId: newTokenId,
          customerRef: input.tokenize.customerRef,
          cardRef: o.card.cardRef,
          brand: o.card.brand,
          bin: o.card.bin,
          last4: o.card.last4,
          expiry: o.card.expiry,
          cardholderName: input.tokenize.cardholderName,
          paymentProductId: input.base.card?.paymentProductId ?? null,
          channel: 'ONLINE',
        });
        await tx.query('UPDATE payments SET token_id = $2 WHERE id = $1', [input.paymentId, newTokenId]);
        await tokenOp('TOKEN_CREATE', newTokenId);
      }
    }
    return { payment: opened.value.payment, paymentId: input.paymentId, orderId, newTokenId };
  });
}

/** The answer to a create or subsequent payment: 201, or the decline in a PaymentErrorResponse. */
async function paymentAnswer(
  deps: OnlineDeps,
  merchantId: string,
  recorded: Recorded,
  outcome: AuthoriseOutcome,
  creationOutput: Record<string, unknown> | null,
): Promise<ApiAnswer> {
  // The answer to the request itself reports what the acquirer said, an unknown outcome included.
  const { payment, loaded } = await findPayment(deps, merchantId, recorded.paymentId, { askAcquirer: false });
  const body = paymentResponse(loaded, payment);
  if (outcome.outcome === 'DECLINED') {
    const error = domainError(outcome.reason, { reason: 'declined by the sandbox acquirer' });
    return {
      status: catalogEntry(outcome.reason).httpStatus,
      body: {
        errorId: deps.ledger.ctx.newId(),
        errors: [apiErrorItem(error)],
        paymentResult: { payment: body, ...(creationOutput ? { creationOutput } : {}) },
      },
    };
  }
  return { status: 201, body: creationOutput ? { payment: body, creationOutput } : { payment: body } };
}

export function paymentHandlers(deps: OnlineDeps) {
  const { ctx } = deps.ledger;

  const create: OnlineHandler = async ({ merchantId, body, now }) => {
    const req = parseBody(CreatePaymentRequestSchema, body);
    const amount = moneyFromWire(req.order.amountOfMoney, 'order.amountOfMoney');
    const input = req.cardPaymentMethodSpecificInput;
    const mode = input.authorizationMode ?? 'SALE';
    if (input.card && input.token) {
      throw fail(
        'REQUEST_INVALID',
        { propertyName: 'cardPaymentMethodSpecificInput.token', reason: 'send a card or a token, not both' },
        'cardPaymentMethodSpecificInput.token',
      );
    }
    let card: CardInput;
    let usedToken: TokenRecord | null = null;
    if (input.token) {
      usedToken = await usableToken(
        deps,
        deps.db,
        merchantId,
        input.token,
        'cardPaymentMethodSpecificInput.token',
      );
      card = { kind: 'ref', cardRef: usedToken.cardRef, expiry: usedToken.expiry };
    } else if (input.card) {
      card = {
        kind: 'pan',
        pan: input.card.cardNumber.replace(/[\s-]/g, ''),
        expiry: input.card.expiryDate,
        cvv: input.card.cvv,
        cardholderName: input.card.cardholderName,
      };
    } else {
      throw fail(
        'REQUEST_INVALID',
        {
          propertyName: 'cardPaymentMethodSpecificInput.card',
          reason: 'it is missing: send card data or a token',
        },
        'cardPaymentMethodSpecificInput.card',
      );
    }
    const invalid = deps.acquirer.validateCard(card, now);
    if (invalid) throw new ApiFailure(invalid, 'cardPaymentMethodSpecificInput.card');
    const paymentId = await mintCorePaymentId(deps.db);
    const outcome = await deps.acquirer.authorise({ card, amount, mode, paymentId, initiator: 'cardholder' });
    const isFirst =
      input.unscheduledCardOnFileRequestor === 'cardholderInitiated' &&
      input.unscheduledCardOnFileSequenceIndicator === 'first';
    const customerRef = req.order.customer?.merchantCustomerId ?? null;
    const recorded = await recordAuthorisation(deps, {
      merchantId,
      orderId: null,
      newOrder: {
        customerRef,
        merchantReference: req.order.references?.merchantReference ?? null,
        currency: amount.currency,
      },
      paymentId,
      amount,
      mode,
      outcome,
      base: {
        card: outcome.card
          ? cardFacts(outcome.card, usedToken?.tokenId ?? null, input.paymentProductId)
          : null,
        cardOnFile: isFirst ? 'first' : (input.unscheduledCardOnFileSequenceIndicator ?? null),
        cofRequestor: input.unscheduledCardOnFileRequestor ?? null,
        merchantReference: req.order.references?.merchantReference ?? null,
      },
      usedToken,
      tokenize:
        input.tokenize && !usedToken
          ? { customerRef, cardholderName: input.card?.cardholderName ?? null }
          : null,
    });
    const creationOutput = input.tokenize
      ? {
          token: recorded.newTokenId ?? usedToken?.tokenId ?? undefined,
          isNewToken: recorded.newTokenId !== null,
          tokenizationSucceeded: recorded.newTokenId !== null || usedToken !== null,
        }
      : {};
    return paymentAnswer(deps, merchantId, recorded, outcome, creationOutput);
  };

  const get: OnlineHandler = async ({ merchantId, params }) => {
    const { payment, loaded } = await findPayment(deps, merchantId, paymentIdFromPath(params.paymentId));
    return { status: 200, body: paymentResponse(loaded, payment) };
  };

  /** The whole chain's operations (reference §9 `Operations`, capital O), money operations only. */
  const details: OnlineHandler = async ({ merchantId, params }) => {
    const { payment, loaded } = await findPayment(deps, merchantId, paymentIdFromPath(params.paymentId));
    const operations = loaded.operations
      .filter((s) => !s.operation.kind.startsWith('TOKEN_'))
      .map(operationOutput);
    return { status: 200, body: { ...paymentResponse(loaded, payment), Operations: operations } };
  };

  /**
   * A subsequent payment on any payment of the chain (in store or online): charges the card on file of the
   * named payment, or else of the chain's initial payment, as a merchant-initiated charge on the same order.
   */
  const subsequent: OnlineHandler = async ({ merchantId, params, body }) => {
    const named = paymentIdFromPath(params.paymentId);
    const { payment: target, loaded } = await findPayment(deps, merchantId, named);
    const req = parseBody(SubsequentPaymentRequestSchema, body);
    const amount = moneyFromWire(req.order.amountOfMoney, 'order.amountOfMoney');
    const specific =
      req.subsequentcardPaymentMethodSpecificInput ?? req.subsequentCardPaymentMethodSpecificInput;
    const mode = specific?.authorizationMode ?? 'SALE';
    if (target.outcome === 'UNKNOWN') throw fail('PAYMENT_OUTCOME_UNKNOWN', { paymentId: named });
    const initialId = orderBalances(loaded.state).initialPaymentId;
    const initial = loaded.payments.find((p) => p.paymentId === initialId);
    const balances = orderBalances(loaded.state).payments;
    // A declined attempt stored no card: only a payment the acquirer approved can be charged again.
    const onFile = [target, initial].find(
      (p): p is PaymentRecord =>
        !!p?.card?.cardRef &&
        balances.get(p.paymentId)?.declined === false &&
        (p.cardOnFile === 'first' || p.card.tokenId !== null || p.channel === 'IN_STORE'),
    );
    if (!onFile || !onFile.card?.cardRef) throw notOnFile(named);
    const tokenId = onFile.card.tokenId;
    const usedToken = tokenId ? await usableToken(deps, deps.db, merchantId, tokenId, 'paymentId') : null;
    const paymentId = await mintCorePaymentId(deps.db);
    // Check the ledger would take it (currency, the order's balance due) before charging the card.
    const probe = {
      ...(mode === 'SALE' ? { kind: 'SALE' } : { kind: 'AUTHORISATION', mode }),
      amount,
      id: ctx.newId(),
      paymentId,
      channel: 'ONLINE',
      occurredAt: new Date().toISOString(),
    } as Operation;
    const check = applyOperation(loaded.state, probe);
    if (!check.ok) throw new ApiFailure(check.error, 'order.amountOfMoney');
    const outcome = await deps.acquirer.authorise({
      card: { kind: 'ref', cardRef: onFile.card.cardRef, expiry: onFile.card.expiry },
      amount,
      mode,
      paymentId,
      initiator: 'merchant',
    });
    try {
      const recorded = await recordAuthorisation(deps, {
        merchantId,
        orderId: loaded.order.orderId,
        newOrder: null,
        paymentId,
        amount,
        mode,
        outcome,
        base: {
          card: outcome.card
            ? cardFacts(outcome.card, usedToken?.tokenId ?? null, onFile.card.paymentProductId ?? undefined)
            : onFile.card,
          cardOnFile: 'subsequent',
          cofRequestor: 'merchantInitiated',
          initiatedByPaymentId: named,
          merchantReference: req.order.references?.merchantReference ?? null,
        },
        usedToken,
        tokenize: null,
      });
      return paymentAnswer(deps, merchantId, recorded, outcome, null);
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      // The order changed between the check and the record (a concurrent charge): release the authorisation.
      if (outcome.outcome === 'APPROVED') {
        await deps.acquirer.cancel({ acquirerReference: outcome.acquirerReference, amount: null });
      }
      throw new ApiFailure(e.error, 'order.amountOfMoney');
    }
  };

  return { create, get, details, subsequent, ...maintenanceHandlers(deps) };
}
