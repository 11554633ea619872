/**
 * What a row of the write-ahead acquirer journal (`acquirer_journal`, schema v3) says: the request it
 * describes, the acquirer's answer, its state and result. A row is written and committed before the acquirer
 * call it describes; its id is the reference the acquirer receives. Its SQL is entry-store.ts.
 *
 * States: PENDING (asked, no answer recorded: in flight, or its process died), UNKNOWN (the acquirer's
 * answer is not known yet, or it said "time-out"; whatever is known is recorded, e.g. a payment that reads
 * AUTHORIZATION_REQUESTED), DONE (the answer is recorded in the ledger, or settled otherwise: `result`).
 */
import type {
  AuthorisationMode,
  Channel,
  CurrencyCode,
  DomainError,
  Money,
  PaymentId,
  Uuid,
} from '../../src-shared';
import type { AuthoriseOutcome, MoneyMovementResult } from '../acquirer/acquirer';
import type { CardFacts } from '../ledger/rows';

export type JournalKind =
  'AUTHORISE' | 'REBILL' | 'CAPTURE' | 'REVERSAL' | 'CANCEL' | 'REFUND' | 'PAYOUT' | 'RELEASE';
export type JournalState = 'PENDING' | 'UNKNOWN' | 'DONE';
/**
 * APPROVED: recorded in the ledger. DECLINED: the acquirer refused (nothing recorded, or a DECLINE for a
 * payment). NOT_RECEIVED: the acquirer never got the request (also a refund, payout or void the checks refused
 * after its row was written, `runWrittenFirst`: `error` says why). REFUSED: the acquirer approved a charge the
 * ledger refused, and the authorisation was handed to a RELEASE row. EXCEPTION: money moved that the ledger
 * refused to record: a money exception for a manager.
 */
export type JournalResult = 'APPROVED' | 'DECLINED' | 'NOT_RECEIVED' | 'REFUSED' | 'EXCEPTION';

/** Who asked, recorded with the ledger operation. */
export interface JournalSource {
  channel: Channel;
  operatorId: string | null;
  merchantReference: string | null;
}

/** A card as the journal may keep it: masked facts of a card the merchant sent, or a stored reference. */
export type JournalCard =
  | { kind: 'pan'; brand: string; bin: string; last4: string; expiry: string }
  | { kind: 'ref'; cardRef: string; expiry: string | null };

/** Everything needed to record the answer later, by any process (the reconciler). Never a PAN or CVV. */
export type JournalRequest =
  | {
      kind: 'AUTHORISE';
      source: JournalSource;
      initiator: 'cardholder' | 'merchant';
      card: JournalCard;
      /** A payment that opens a new order (create payment); null for a subsequent payment. */
      newOrder: { customerRef: string | null; merchantReference: string | null } | null;
      /** Card facts to keep when the acquirer returns none (the stored card of a subsequent payment). */
      fallbackCard: CardFacts | null;
      cardOnFile: 'first' | 'subsequent' | null;
      cofRequestor: 'cardholderInitiated' | 'merchantInitiated' | null;
      initiatedByPaymentId: PaymentId | null;
      usedTokenId: string | null;
      /** Store the card as a new token (minted id) when approved. */
      tokenize: { tokenId: string; customerRef: string | null; cardholderName: string | null } | null;
      /** The merchant asked for tokenisation (answered in `creationOutput`, with a token used or made). */
      tokenizeAsked: boolean;
      paymentProductId: number | null;
    }
  | { kind: 'REBILL'; source: JournalSource; cardRef: string; expiry: string | null }
  | { kind: 'CAPTURE'; source: JournalSource; acquirerReference: string | null; isFinal: boolean }
  | { kind: 'REVERSAL'; source: JournalSource; acquirerReference: string | null }
  | ({ kind: 'CANCEL'; source: JournalSource; acquirerReference: string | null } & MoneyBackHold)
  | ({ kind: 'REFUND' | 'PAYOUT'; source: JournalSource; cardRef: string | null } & MoneyBackHold)
  | { kind: 'RELEASE'; source: JournalSource; acquirerReference: string | null; releases: Uuid };

/**
 * How a refund's, payout's or void's row holds the order (schema 9): the open row is the order's refund lock,
 * and `holder` says whose it is (`online:<apiKeyId>`, `back-office:<keyId>`) for people reading the order.
 * Rows written before schema 9 held a `refund_locks` row as well, named by `lockId`, freed when they close.
 */
export type MoneyBackHold = { holder: string; lockId?: undefined } | { holder?: undefined; lockId: Uuid };

/** The `refund_locks` row a row written before schema 9 holds (freed when it closes); null for every other. */
export const heldRefundLockId = (request: JournalRequest): Uuid | null =>
  ('lockId' in request && request.lockId) || null;

/** The acquirer's answer as the journal keeps it (card facts only, never a PAN). */
export type AcquirerAnswer =
  | { type: 'AUTHORISATION'; outcome: AuthoriseOutcome }
  | { type: 'MOVEMENT'; result: MoneyMovementResult }
  | { type: 'NOT_RECEIVED' }
  /** No answer: the call failed, the acquirer is unreachable, or it is still working on it. */
  | { type: 'NO_ANSWER'; reason: string };

/** The idempotence key and request hash of the API request that wrote the row. */
export interface RequestKey {
  key: string;
  hash: string;
}

export interface JournalIntent {
  kind: JournalKind;
  merchantId: string;
  orderId: Uuid;
  paymentId: PaymentId;
  amount: Money | null;
  currency: CurrencyCode;
  mode: AuthorisationMode | null;
  cardRef: string | null;
  request: JournalRequest;
  requestKey: RequestKey | null;
}

export interface JournalEntry extends JournalIntent {
  id: Uuid;
  state: JournalState;
  result: JournalResult | null;
  answer: AcquirerAnswer | null;
  error: DomainError | null;
  exceptionId: Uuid | null;
  attempts: number;
  createdAt: string;
  closedAt: string | null;
  /** Age by the database clock when the row was read (every process agrees on it). */
  ageMs: number;
}
