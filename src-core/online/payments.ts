/**
 * Payments: create (card data or a token; SALE / FINAL_AUTHORIZATION / PRE_AUTHORIZATION; card on file;
 * optional tokenisation), get, details, and the omnichannel subsequent payment on any payment of a chain
 * (reference §8.1, §8.2, §11). Authorisations go through the write-ahead acquirer journal
 * (src-core/journal/): a journal row is committed before the acquirer is called, and the answer is recorded
 * in the ledger together with closing it. A retry with the same idempotence key resumes that row instead of
 * charging again.
 */
import { randomUUID } from 'node:crypto';
import {
  applyOperation,
  cardBrandFromPan,
  domainError,
  lastFour,
  ok,
  operationOf,
  orderBalances,
  type PaymentId,
} from '../../src-shared';
import type {
  CreatePaymentRequest,
  CreatePaymentResponse,
  PaymentCreationOutput,
  PaymentDetailsResponse,
  PaymentResponse,
  SubsequentPaymentRequest,
} from '../../src-shared/online-api';
import type { CardInput } from '../acquirer/acquirer';
import type { Queryable } from '../db/adapter';
import type { JournalCard, JournalEntry, JournalIntent } from '../journal/entries';
import type { RunResult } from '../journal/journal';
import { exceptionFailure, recordingPending } from '../routing/journal-answers';
import type { PaymentRecord } from '../ledger/rows';
import { insertToken, selectToken, type TokenRecord } from '../ledger/tokens';
import { ApiFailure, fail } from '../routing/api-error';
import { resumeRequest, type FoundPayment } from '../payments/outcome';
import { loadReconciledPayment, notOnFile, paymentIdFromPath } from './common';
import { loadOrderOfPaymentInTx } from '../ledger/service';
import { maintenanceHandlers } from './maintenance';
import type { OnlineDeps, OnlineHandler } from './deps';
import { moneyFromWire, operationOutput, paymentResponse } from './wire';

/** The named payment is not found or its outcome not known in the journal transaction: reconcile first. */
class ReconcileFirst extends Error {
  constructor() {
    super('the payment is to be reconciled before it is charged again');
    this.name = 'ReconcileFirst';
  }
}

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

/** What the journal may keep of the card: masked facts of a PAN, or the reference; never the PAN or CVV. */
function journalCard(card: CardInput): JournalCard {
  if (card.kind === 'ref') return { kind: 'ref', cardRef: card.cardRef, expiry: card.expiry };
  return {
    kind: 'pan',
    brand: cardBrandFromPan(card.pan),
    bin: card.pan.slice(0, 6),
    last4: lastFour(card.pan),
    expiry: card.expiry,
  };
}

/** Journal → authorise → record: the acquirer sees the journal row's id as the request reference. */
function authorise(
  deps: OnlineDeps,
  intent: JournalIntent,
  card: CardInput,
  initiator: 'cardholder' | 'merchant',
): Promise<RunResult> {
  const amount = intent.amount;
  const mode = intent.mode;
  if (!amount || !mode) throw new Error('an authorisation needs an amount and a mode');
  return deps.journal.run(intent, async (reference) => ({
    type: 'AUTHORISATION',
    outcome: await deps.acquirer.authorise({
      reference,
      card,
      amount,
      mode,
      paymentId: intent.paymentId,
      initiator,
    }),
  }));
}

/**
 * The answer to a create or subsequent payment, from its journal row: 201 with the payment (captured,
 * authorised, or AUTHORIZATION_REQUESTED while the outcome is unknown), or the decline in a
 * PaymentErrorResponse (a failure whose `paymentResult` is the recorded payment). The same for the first run
 * and for a retry that resumed the row.
 */
async function authorisationAnswer(
  deps: OnlineDeps,
  run: Pick<RunResult, 'entry' | 'unsettled'> & Partial<Pick<RunResult, 'appended'>>,
  creation: 'create' | 'subsequent',
): Promise<CreatePaymentResponse> {
  const { entry } = run;
  if (run.unsettled || entry.state === 'PENDING') throw recordingPending(entry);
  if (entry.result === 'EXCEPTION') throw exceptionFailure(entry);
  if (entry.result === 'REFUSED' && entry.error) throw new ApiFailure(entry.error, 'order.amountOfMoney');
  if (entry.result === 'NOT_RECEIVED') throw fail('ACQUIRER_TIMEOUT');
  // The answer to the request itself reports what the acquirer said, an unknown outcome included: from what
  // the recording wrote when it has it (the payment's opening), else read back.
  const opened = run.appended?.payment.paymentId === entry.paymentId ? run.appended : null;
  const { payment, loaded } = opened
    ? { payment: opened.payment, loaded: opened.after }
    : await loadReconciledPayment(deps, entry.merchantId, entry.paymentId, { askAcquirer: false });
  const body = paymentResponse(loaded, payment);
  const creationOutput = creation === 'create' ? tokenCreation(entry, payment) : null;
  if (entry.result === 'DECLINED' && entry.error) {
    throw new ApiFailure(entry.error, undefined, {
      paymentResult: { payment: body, ...(creationOutput ? { creationOutput } : {}) },
    });
  }
  return creationOutput ? { payment: body, creationOutput } : { payment: body };
}

/** `creationOutput` of a create payment: the token it used or created when tokenisation was asked for. */
function tokenCreation(entry: JournalEntry, payment: PaymentRecord): PaymentCreationOutput {
  const r = entry.request;
  if (r.kind !== 'AUTHORISE' || !r.tokenizeAsked) return {};
  const created = r.tokenize && payment.card?.tokenId === r.tokenize.tokenId ? r.tokenize.tokenId : null;
  return {
    token: created ?? r.usedTokenId ?? undefined,
    isNewToken: created !== null,
    tokenizationSucceeded: created !== null || r.usedTokenId !== null,
  };
}

export function paymentHandlers(deps: OnlineDeps) {
  const { ctx } = deps.ledger;

  const create: OnlineHandler<CreatePaymentRequest, CreatePaymentResponse> = async ({
    merchantId,
    body: req,
    now,
    requestKey,
  }) => {
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
    // A retry of a request that reached the acquirer answers from what that run did: never a second charge.
    const resumed = await resumeRequest(deps.journal, merchantId, requestKey);
    if (resumed) return authorisationAnswer(deps, { entry: resumed, unsettled: null }, 'create');
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
    } else {
      const c = input.card!;
      card = {
        kind: 'pan',
        pan: c.cardNumber.replace(/[\s-]/g, ''),
        expiry: c.expiryDate,
        cvv: c.cvv,
        cardholderName: c.cardholderName,
      };
    }
    const invalid = deps.acquirer.validateCard(card, now);
    if (invalid) throw new ApiFailure(invalid, 'cardPaymentMethodSpecificInput.card');
    const isFirst =
      input.unscheduledCardOnFileRequestor === 'cardholderInitiated' &&
      input.unscheduledCardOnFileSequenceIndicator === 'first';
    const customerRef = req.order.customer?.merchantCustomerId ?? null;
    const merchantReference = req.order.references?.merchantReference ?? null;
    const run = await authorise(
      deps,
      {
        kind: 'AUTHORISE',
        merchantId,
        orderId: ctx.newId(),
        paymentId: await deps.ledger.mintPaymentId(),
        amount,
        currency: amount.currency,
        mode,
        cardRef: usedToken?.cardRef ?? null,
        requestKey,
        request: {
          kind: 'AUTHORISE',
          source: { channel: 'ONLINE', operatorId: null, merchantReference },
          initiator: 'cardholder',
          card: journalCard(card),
          newOrder: { customerRef, merchantReference },
          fallbackCard: null,
          cardOnFile: isFirst ? 'first' : (input.unscheduledCardOnFileSequenceIndicator ?? null),
          cofRequestor: input.unscheduledCardOnFileRequestor ?? null,
          initiatedByPaymentId: null,
          usedTokenId: usedToken?.tokenId ?? null,
          tokenize:
            input.tokenize && !usedToken
              ? { tokenId: randomUUID(), customerRef, cardholderName: input.card?.cardholderName ?? null }
              : null,
          tokenizeAsked: input.tokenize === true,
          paymentProductId: input.paymentProductId ?? null,
        },
      },
      card,
      'cardholder',
    );
    return authorisationAnswer(deps, run, 'create');
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
   * A subsequent payment on any payment of the chain (in store or online): charges the card on file of the
   * named payment, or else of the chain's initial payment, as a merchant-initiated charge on the same order.
   * Two commits, as a refund: the order is loaded, the payment id minted (when a new block is due), the
   * charge checked and the journal row written in one transaction (`runChecked`), then the acquirer call,
   * then the recording. A payment whose outcome is not known yet is reconciled first (outside it) and the
   * transaction run again.
   */
  const subsequent: OnlineHandler<SubsequentPaymentRequest, CreatePaymentResponse> = async ({
    merchantId,
    params,
    body: req,
    requestKey,
  }) => {
    const named = paymentIdFromPath(params.paymentId);
    const amount = moneyFromWire(req.order.amountOfMoney, 'order.amountOfMoney');
    // Before any check: the order already holds what a first run of this request charged.
    const resumed = await resumeRequest(deps.journal, merchantId, requestKey);
    if (resumed) return authorisationAnswer(deps, { entry: resumed, unsettled: null }, 'subsequent');
    const specific =
      req.subsequentcardPaymentMethodSpecificInput ?? req.subsequentCardPaymentMethodSpecificInput;
    const mode = specific?.authorizationMode ?? 'SALE';
    const merchantReference = req.order.references?.merchantReference ?? null;

    /** The charge as the journal row will ask it, judged on the order as loaded in the row's transaction. */
    const intentFor = async (
      q: Queryable,
      found: FoundPayment,
      paymentId: PaymentId,
    ): Promise<{ intent: JournalIntent; card: CardInput }> => {
      const { payment: target, loaded } = found;
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
      const usedToken = tokenId ? await usableToken(deps, q, merchantId, tokenId, 'paymentId') : null;
      // Check the ledger would take it (currency, the order's balance due) before charging the card.
      const probe = operationOf(
        mode === 'SALE' ? { kind: 'SALE', amount } : { kind: 'AUTHORISATION', mode, amount },
        { id: ctx.newId(), paymentId, channel: 'ONLINE', occurredAt: new Date().toISOString() },
      );
      const check = applyOperation(loaded.state, probe);
      if (!check.ok) throw new ApiFailure(check.error, 'order.amountOfMoney');
      const card: CardInput = { kind: 'ref', cardRef: onFile.card.cardRef, expiry: onFile.card.expiry };
      return {
        card,
        intent: {
          kind: 'AUTHORISE',
          merchantId,
          orderId: loaded.order.orderId,
          paymentId,
          amount,
          currency: amount.currency,
          mode,
          cardRef: onFile.card.cardRef,
          requestKey,
          request: {
            kind: 'AUTHORISE',
            source: { channel: 'ONLINE', operatorId: null, merchantReference },
            initiator: 'merchant',
            card: journalCard(card),
            newOrder: null,
            fallbackCard: onFile.card,
            cardOnFile: 'subsequent',
            cofRequestor: 'merchantInitiated',
            initiatedByPaymentId: named,
            usedTokenId: usedToken?.tokenId ?? null,
            tokenize: null,
            tokenizeAsked: false,
            paymentProductId: onFile.card.paymentProductId,
          },
        },
      };
    };

    // If the order changes between the check and the record (a concurrent charge), the journal releases the
    // authorisation at the acquirer and the answer is the ledger's refusal.
    const charge = (reconciled: FoundPayment | null) =>
      deps.journal.runChecked(
        { kind: 'AUTHORISE', merchantId, paymentId: named, requestKey },
        async (tx) => {
          // The id and the order in one round trip with BEGIN (a new block of ids only every so often).
          const minting = deps.ledger.mintPaymentId(tx);
          minting.catch(() => undefined);
          const loaded = await loadOrderOfPaymentInTx(tx, merchantId, named);
          const payment = loaded?.payments.find((p) => p.paymentId === named);
          if (loaded && !payment) throw new Error(`payment ${named} is not among its order's payments`);
          // Not found or not known yet: reconcile it outside this transaction and come back.
          if (!reconciled && (!payment || payment.outcome === 'UNKNOWN')) throw new ReconcileFirst();
          const found = loaded && payment ? { payment, loaded } : reconciled;
          if (!found) throw fail('PAYMENT_NOT_FOUND', { paymentId: named });
          const { intent, card } = await intentFor(tx, found, await minting);
          return ok({
            intent,
            context: { card, amount, mode, paymentId: intent.paymentId },
            // As loaded here: the recording does not load it again if it has not changed meanwhile.
            order: found.loaded,
          });
        },
        async (reference, c) => ({
          type: 'AUTHORISATION',
          outcome: await deps.acquirer.authorise({
            reference,
            card: c.card,
            amount: c.amount,
            mode: c.mode,
            paymentId: c.paymentId,
            initiator: 'merchant',
          }),
        }),
      );
    let run: Awaited<ReturnType<typeof charge>>;
    try {
      run = await charge(null);
    } catch (e) {
      if (!(e instanceof ReconcileFirst)) throw e;
      run = await charge(await loadReconciledPayment(deps, merchantId, named));
    }
    if (!run.ok) throw new ApiFailure(run.error, 'order.amountOfMoney');
    return authorisationAnswer(deps, run.value, 'subsequent');
  };

  return { create, get, details, subsequent, ...maintenanceHandlers(deps) };
}
