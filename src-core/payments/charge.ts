/**
 * Charges: a create payment (card data or a token; SALE / FINAL_AUTHORIZATION / PRE_AUTHORIZATION; card on
 * file; optional tokenisation), a card-not-present charge of the online channel (reference §8.1, §11), and
 * what it shares with the omnichannel subsequent payment (subsequent-payment.ts): the failure shape, the card
 * kept in the journal, and the outcome read from the journal row. Authorisations go through the
 * write-ahead acquirer journal: a journal row is committed before the acquirer is called, and the answer is
 * recorded in the ledger together with closing it. A retry with the same idempotence key resumes that row
 * instead of charging again.
 *
 * Failures are catalog values with the step that produced them (`ChargeFailure`): the adapter names the
 * field at fault and gives them its wire shape; a decline carries the payment as recorded.
 */
import { randomUUID } from 'node:crypto';
import {
  cardBrandFromPan,
  domainError,
  err,
  lastFour,
  ok,
  type AuthorisationMode,
  type DomainError,
  type Money,
  type Result,
} from '../../src-shared';
import type { CardInput } from '../acquirer/acquirer';
import type { JournalCard, JournalEntry, JournalIntent, RequestKey } from '../journal/entries';
import type { AcquirerJournal, RunResult } from '../journal/journal';
import { exceptionError, recordingPendingError } from '../journal/outcome';
import type { PaymentRecord } from '../ledger/rows';
import type { TokenRecord } from '../ledger/tokens';
import { findPayment, resumeRequest, type FailedStep, type FoundPayment } from './outcome';
import { usableToken } from './tokens';

/** What the token of a create payment became, when tokenisation was asked or a token was charged. */
export interface TokenOutcome {
  /** The token created, else the one charged; null when neither. */
  tokenId: string | null;
  isNew: boolean;
  succeeded: boolean;
}

/** A payment the charge opened, with its order as recorded. */
export interface Charged extends FoundPayment {
  /** A create payment's token outcome; null for a subsequent payment or when tokenisation was not asked. */
  tokenization: TokenOutcome | null;
}

/**
 * Where a charge's failure came from: `TOKEN` (the token named is unknown or deleted), `CARD` (the card
 * given is not valid), `CHECK` (the ledger refused the charge before the acquirer was asked), `RECORDING`
 * (the acquirer answered and the ledger refused it), or null (not found, declined, outcome not known yet, a
 * money exception).
 */
export type ChargeStep = FailedStep | 'TOKEN' | 'CARD';

export interface ChargeFailure {
  readonly error: DomainError;
  readonly step: ChargeStep;
  /** Answered from an earlier run of the same request (same idempotence key and body). */
  readonly resumed: boolean;
  /** A decline: the payment the acquirer declined, as recorded (the answer reports it). */
  readonly declined: Charged | null;
}

export type ChargeResult = Result<Charged, ChargeFailure>;

export const chargeFailure = (
  error: DomainError,
  step: ChargeStep = null,
  extra: { resumed?: boolean; declined?: Charged | null } = {},
): Result<never, ChargeFailure> =>
  err({ error, step, resumed: extra.resumed ?? false, declined: extra.declined ?? null });

/** Who asks for a charge, and how the card-on-file rules see it. */
export interface ChargeCommon {
  merchantId: string;
  amount: Money;
  mode: AuthorisationMode;
  merchantReference: string | null;
  /** The API request's idempotence key: a retry resumes its journal row instead of charging again. */
  requestKey: RequestKey | null;
}

export interface CreatePaymentCommand extends ChargeCommon {
  /** The card as given, or a token (ours, or a card the counter's terminal reported): exactly one. */
  payWith: { kind: 'card'; card: Extract<CardInput, { kind: 'pan' }> } | { kind: 'token'; tokenId: string };
  cofRequestor: 'cardholderInitiated' | 'merchantInitiated' | null;
  cofSequence: 'first' | 'subsequent' | null;
  customerRef: string | null;
  /** Store the card as a new token when approved (not when a token is charged). */
  tokenize: boolean;
  paymentProductId: number | null;
  now: Date;
}

/** What the journal may keep of the card: masked facts of a PAN, or the reference; never the PAN or CVV. */
export function journalCard(card: CardInput): JournalCard {
  if (card.kind === 'ref') return { kind: 'ref', cardRef: card.cardRef, expiry: card.expiry };
  return {
    kind: 'pan',
    brand: cardBrandFromPan(card.pan),
    bin: card.pan.slice(0, 6),
    last4: lastFour(card.pan),
    expiry: card.expiry,
  };
}

/**
 * A payment opening a new order with the card or token given (the cardholder's request). A retry of a
 * request that reached the acquirer answers from what that run did: never a second charge.
 */
export async function createPayment(
  journal: AcquirerJournal,
  cmd: CreatePaymentCommand,
): Promise<ChargeResult> {
  const resumed = await resumeRequest(journal, cmd.merchantId, cmd.requestKey);
  if (resumed) return authorisationOutcome(journal, { entry: resumed, unsettled: null }, 'create', true);
  const { ledger, acquirer } = journal;
  let card: CardInput;
  let usedToken: TokenRecord | null = null;
  if (cmd.payWith.kind === 'token') {
    const t = await usableToken(journal, ledger.db, cmd.merchantId, cmd.payWith.tokenId);
    if (!t.ok) return chargeFailure(t.error, 'TOKEN');
    usedToken = t.value;
    card = { kind: 'ref', cardRef: usedToken.cardRef, expiry: usedToken.expiry };
  } else {
    card = cmd.payWith.card;
  }
  const invalid = acquirer.validateCard(card, cmd.now);
  if (invalid) return chargeFailure(invalid, 'CARD');
  const isFirst = cmd.cofRequestor === 'cardholderInitiated' && cmd.cofSequence === 'first';
  const { amount, mode, customerRef, merchantReference } = cmd;
  const intent: JournalIntent = {
    kind: 'AUTHORISE',
    merchantId: cmd.merchantId,
    orderId: ledger.ctx.newId(),
    paymentId: await ledger.mintPaymentId(),
    amount,
    currency: amount.currency,
    mode,
    cardRef: usedToken?.cardRef ?? null,
    requestKey: cmd.requestKey,
    request: {
      kind: 'AUTHORISE',
      source: { channel: 'ONLINE', operatorId: null, merchantReference },
      initiator: 'cardholder',
      card: journalCard(card),
      newOrder: { customerRef, merchantReference },
      fallbackCard: null,
      cardOnFile: isFirst ? 'first' : cmd.cofSequence,
      cofRequestor: cmd.cofRequestor,
      initiatedByPaymentId: null,
      usedTokenId: usedToken?.tokenId ?? null,
      tokenize:
        cmd.tokenize && !usedToken
          ? {
              tokenId: randomUUID(),
              customerRef,
              cardholderName: (card.kind === 'pan' ? card.cardholderName : undefined) ?? null,
            }
          : null,
      tokenizeAsked: cmd.tokenize,
      paymentProductId: cmd.paymentProductId,
    },
  };
  // Journal → authorise → record: the acquirer sees the journal row's id as the request reference.
  const run = await journal.run(intent, async (reference) => ({
    type: 'AUTHORISATION',
    outcome: await acquirer.authorise({
      reference,
      card,
      amount,
      mode,
      paymentId: intent.paymentId,
      initiator: 'cardholder',
    }),
  }));
  return authorisationOutcome(journal, run, 'create', false);
}

/**
 * The outcome of a create or subsequent payment, from its journal row: the payment (captured, authorised, or
 * AUTHORIZATION_REQUESTED while the outcome is unknown), or the decline with the payment as recorded. The
 * same for the first run and for a retry that resumed the row.
 */
export async function authorisationOutcome(
  journal: AcquirerJournal,
  run: Pick<RunResult, 'entry' | 'unsettled'> & Partial<Pick<RunResult, 'appended'>>,
  creation: 'create' | 'subsequent',
  resumed: boolean,
): Promise<ChargeResult> {
  const { entry } = run;
  if (run.unsettled || entry.state === 'PENDING')
    return chargeFailure(recordingPendingError(entry), null, { resumed });
  if (entry.result === 'EXCEPTION') return chargeFailure(exceptionError(entry), null, { resumed });
  if (entry.result === 'REFUSED' && entry.error) return chargeFailure(entry.error, 'RECORDING', { resumed });
  if (entry.result === 'NOT_RECEIVED')
    return chargeFailure(domainError('ACQUIRER_TIMEOUT'), null, { resumed });
  // The answer to the request itself reports what the acquirer said, an unknown outcome included: from what
  // the recording wrote when it has it (the payment's opening), else read back.
  const opened = run.appended?.payment.paymentId === entry.paymentId ? run.appended : null;
  let found: FoundPayment;
  if (opened) {
    found = { payment: opened.payment, loaded: opened.after };
  } else {
    const read = await findPayment(journal, entry.merchantId, entry.paymentId, { askAcquirer: false });
    if (!read) return chargeFailure(domainError('PAYMENT_NOT_FOUND', { paymentId: entry.paymentId }));
    found = read;
  }
  const charged: Charged = {
    ...found,
    tokenization: creation === 'create' ? tokenOutcome(entry, found.payment) : null,
  };
  if (entry.result === 'DECLINED' && entry.error) {
    return chargeFailure(entry.error, null, { resumed, declined: charged });
  }
  return ok(charged);
}

/** The token a create payment used or created, when tokenisation was asked for. */
function tokenOutcome(entry: JournalEntry, payment: PaymentRecord): TokenOutcome | null {
  const r = entry.request;
  if (r.kind !== 'AUTHORISE' || !r.tokenizeAsked) return null;
  const created = r.tokenize && payment.card?.tokenId === r.tokenize.tokenId ? r.tokenize.tokenId : null;
  return {
    tokenId: created ?? r.usedTokenId,
    isNew: created !== null,
    succeeded: created !== null || r.usedTokenId !== null,
  };
}
