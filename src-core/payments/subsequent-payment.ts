/**
 * The omnichannel subsequent payment (reference §8.2, §11): a merchant-initiated charge of the card on file of
 * any payment of a chain (in store or online), on the same order. Two commits, as a refund: the journal row
 * before the acquirer is called, the recording after.
 *
 * The common case goes in one round trip before the acquirer (the journal's `runWrittenFirst`): the order read,
 * and the AUTHORISE row built in SQL from the payment rows (the named payment's card, else the order's first
 * kept on file, and no token; journal/rows-from-payments.ts), in one write with COMMIT, which under load shares
 * its commit with others (db/shared-commits.ts); then the ledger code judges the order as read with the one
 * card-on-file rule (`onFileCard`, `chargeIntent`) and checks the row is exactly what it would have written.
 * Anything else (a token to check, another card picked, a refusal, a payment not known yet, an amount the
 * row cannot hold) closes that row unsent, if one was written, and goes the judge-first way (`runChecked`:
 * the order loaded, the intent built and the row written in one transaction), whose answers are the ones
 * this use case always gave.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  applyOperation,
  domainError,
  err,
  ok,
  operationOf,
  orderBalances,
  type DomainError,
  type PaymentId,
  type Result,
} from '../../src-shared';
import type { CardInput } from '../acquirer/acquirer';
import type { JournalEntry, JournalIntent } from '../journal/entries';
import type { AcquirerJournal } from '../journal/journal';
import { fitsTheRow, insertSubsequentEntry } from '../journal/rows-from-payments';
import { loadOrderOfPaymentInTx, type LoadedOrder } from '../ledger/loaded-order';
import type { PaymentRecord } from '../ledger/rows';
import type { TokenRecord } from '../ledger/tokens';
import {
  authorisationOutcome,
  chargeFailure,
  journalCard,
  type ChargeCommon,
  type ChargeFailure,
  type ChargeResult,
  type ChargeStep,
} from './charge';
import { findPayment, resumeRequest, type FoundPayment } from './outcome';
import { usableToken } from './tokens';

export interface SubsequentPaymentCommand extends ChargeCommon {
  /** The payment named: its card on file, else the chain's initial payment's, is charged again. */
  paymentId: PaymentId;
}

/** The named payment is not found or its outcome not known in the journal transaction: reconcile first. */
class ReconcileFirst extends Error {
  constructor() {
    super('the payment is to be reconciled before it is charged again');
    this.name = 'ReconcileFirst';
  }
}

/** A failure found in the journal row's transaction: rolls it back, and is answered as it is. */
class ChargeRefused extends Error {
  constructor(readonly failure: ChargeFailure) {
    super(failure.error.message);
    this.name = 'ChargeRefused';
  }
}

function refuse(error: DomainError, step: ChargeStep = null): never {
  throw new ChargeRefused({ error, step, resumed: false, declined: null });
}

/** What the acquirer call needs besides the row's reference. */
interface CallContext {
  card: CardInput;
  paymentId: PaymentId;
}

type OnFile = PaymentRecord & { card: { cardRef: string } };

/**
 * The card on file the charge uses: the named payment's, else the chain's initial payment's; only a card the
 * acquirer approved, stored for use on file (a first card-on-file payment, a token, or a card taken at the
 * counter). Refuses when there is none, or when the named payment's outcome is not known yet.
 */
function onFileCard(found: FoundPayment, named: PaymentId): OnFile {
  const { payment: target, loaded } = found;
  if (target.outcome === 'UNKNOWN') refuse(domainError('PAYMENT_OUTCOME_UNKNOWN', { paymentId: named }));
  const balances = orderBalances(loaded.state);
  const initial = loaded.payments.find((p) => p.paymentId === balances.initialPaymentId);
  // A declined attempt stored no card: only a payment the acquirer approved can be charged again.
  const onFile = [target, initial].find(
    (p): p is PaymentRecord =>
      !!p?.card?.cardRef &&
      balances.payments.get(p.paymentId)?.declined === false &&
      (p.cardOnFile === 'first' || p.card.tokenId !== null || p.channel === 'IN_STORE'),
  );
  if (!onFile?.card?.cardRef) return refuse(domainError('CARD_NOT_ON_FILE', { paymentId: named }));
  return onFile as OnFile;
}

/**
 * The charge as the journal row asks it, judged on the order as loaded: the ledger must take it (currency,
 * the order's balance due) before the card is charged. `usedToken`: the token of the card on file, checked.
 */
function chargeIntent(
  journal: AcquirerJournal,
  cmd: SubsequentPaymentCommand,
  found: FoundPayment,
  onFile: OnFile,
  usedToken: TokenRecord | null,
  paymentId: PaymentId,
): { intent: JournalIntent; card: CardInput } {
  const { merchantId, paymentId: named, amount, mode, merchantReference, requestKey } = cmd;
  const probe = operationOf(
    mode === 'SALE' ? { kind: 'SALE', amount } : { kind: 'AUTHORISATION', mode, amount },
    { id: journal.ledger.ctx.newId(), paymentId, channel: 'ONLINE', occurredAt: new Date().toISOString() },
  );
  const check = applyOperation(found.loaded.state, probe);
  if (!check.ok) refuse(check.error, 'CHECK');
  const card: CardInput = { kind: 'ref', cardRef: onFile.card.cardRef, expiry: onFile.card.expiry };
  return {
    card,
    intent: {
      kind: 'AUTHORISE',
      merchantId,
      orderId: found.loaded.order.orderId,
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
}

/**
 * A subsequent payment (see the module's comment). A payment whose outcome is not known yet is reconciled
 * first (outside the row's transaction) and the transaction run again.
 */
export async function subsequentPayment(
  journal: AcquirerJournal,
  cmd: SubsequentPaymentCommand,
): Promise<ChargeResult> {
  const { merchantId, paymentId: named, amount, mode, requestKey } = cmd;
  // Before any check: the order already holds what a first run of this request charged.
  const resumed = await resumeRequest(journal, merchantId, requestKey);
  if (resumed) return authorisationOutcome(journal, { entry: resumed, unsettled: null }, 'subsequent', true);
  const { ledger, acquirer } = journal;
  const send = async (reference: string, c: CallContext) => ({
    type: 'AUTHORISATION' as const,
    outcome: await acquirer.authorise({
      reference,
      card: c.card,
      amount,
      mode,
      paymentId: c.paymentId,
      initiator: 'merchant',
    }),
  });

  if (fitsTheRow(amount)) {
    // An id of the block drawn, or a new block drawn first (a sequence: nothing to commit).
    const newId = await ledger.mintPaymentId();
    const row = { ...cmd, namedPaymentId: named, paymentId: newId };
    const run = await journal.runWrittenFirst(
      {
        head: { kind: 'AUTHORISE', merchantId, paymentId: named, requestKey },
        lockOrder: false,
        insert: (q, id, claimId) => insertSubsequentEntry(q, id, row, claimId),
        refusal: () => domainError('CARD_NOT_ON_FILE', { paymentId: named }),
      },
      (loaded, entry) => asWritten(journal, cmd, loaded, entry),
      (entry, c) => send(entry.id, c),
    );
    if (run?.ok) return authorisationOutcome(journal, run.value, 'subsequent', false);
    // Null: judged first below (the judge refuses nothing itself: every refusal is that path's).
  }

  // If the order changes between the check and the record (a concurrent charge), the journal releases the
  // authorisation at the acquirer and the answer is the ledger's refusal.
  const charge = (reconciled: FoundPayment | null) =>
    journal.runChecked(
      { kind: 'AUTHORISE', merchantId, paymentId: named, requestKey },
      async (tx) => {
        // The id and the order in one round trip with BEGIN (a new block of ids only every so often).
        const minting = ledger.mintPaymentId(tx);
        minting.catch(() => undefined);
        const loaded = await loadOrderOfPaymentInTx(tx, merchantId, named);
        const payment = loaded?.payments.find((p) => p.paymentId === named);
        if (loaded && !payment) throw new Error(`payment ${named} is not among its order's payments`);
        // Not found or not known yet: reconcile it outside this transaction and come back.
        if (!reconciled && (!payment || payment.outcome === 'UNKNOWN')) throw new ReconcileFirst();
        const found = loaded && payment ? { payment, loaded } : reconciled;
        if (!found) return refuse(domainError('PAYMENT_NOT_FOUND', { paymentId: named }));
        const onFile = onFileCard(found, named);
        let usedToken: TokenRecord | null = null;
        if (onFile.card.tokenId) {
          const t = await usableToken(journal, tx, merchantId, onFile.card.tokenId);
          usedToken = t.ok ? t.value : refuse(t.error, 'TOKEN');
        }
        const { intent, card } = chargeIntent(journal, cmd, found, onFile, usedToken, await minting);
        return ok({
          intent,
          context: { card, paymentId: intent.paymentId },
          // As loaded here: the recording does not load it again if it has not changed meanwhile.
          order: found.loaded,
        });
      },
      send,
    );
  let run: Awaited<ReturnType<typeof charge>>;
  try {
    try {
      run = await charge(null);
    } catch (e) {
      if (!(e instanceof ReconcileFirst)) throw e;
      const reconciled = await findPayment(journal, merchantId, named);
      if (!reconciled) return chargeFailure(domainError('PAYMENT_NOT_FOUND', { paymentId: named }));
      run = await charge(reconciled);
    }
  } catch (e) {
    if (e instanceof ChargeRefused) return err(e.failure);
    throw e;
  }
  if (!run.ok) return chargeFailure(run.error, 'CHECK');
  return authorisationOutcome(journal, run.value, 'subsequent', false);
}

/**
 * The written-first row judged: the charge the ledger code builds on the order as read (no token to check,
 * every rule passing) must be the row exactly; then the call goes out. Null for anything else, so the request
 * is judged first and answered as that path answers.
 */
function asWritten(
  journal: AcquirerJournal,
  cmd: SubsequentPaymentCommand,
  loaded: LoadedOrder | null,
  entry: JournalEntry | null,
): Result<CallContext, DomainError> | null {
  const payment = loaded?.payments.find((p) => p.paymentId === cmd.paymentId);
  if (!loaded || !entry || !payment || payment.outcome === 'UNKNOWN') return null;
  const found = { payment, loaded };
  let built: { intent: JournalIntent; card: CardInput };
  try {
    const onFile = onFileCard(found, cmd.paymentId);
    if (onFile.card.tokenId !== null) return null;
    built = chargeIntent(journal, cmd, found, onFile, null, entry.paymentId);
  } catch (e) {
    if (e instanceof ChargeRefused) return null;
    throw e;
  }
  const { intent } = built;
  const same =
    entry.kind === intent.kind &&
    entry.orderId === intent.orderId &&
    entry.mode === intent.mode &&
    entry.cardRef === intent.cardRef &&
    isDeepStrictEqual(entry.amount, intent.amount) &&
    isDeepStrictEqual(entry.requestKey, intent.requestKey) &&
    isDeepStrictEqual(entry.request, intent.request);
  return same ? ok({ card: built.card, paymentId: entry.paymentId }) : null;
}
