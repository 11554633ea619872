/**
 * The acquirer connector interface (issue 3 "Sandbox acquirer"): the core talks to an acquirer only through
 * this, so a real connector can replace the sandbox. Declines are values; a time-out is an UNKNOWN outcome
 * the core records as such (never a silent decline) and resolves later with `inquire`.
 *
 * Every call that moves or reserves money carries `reference`: the id of the core's write-ahead journal row
 * (src-core/journal/), committed before the call. The acquirer must treat a repeated reference as the same
 * request (answer it again, never charge twice) and answer `inquire(reference)` from its own records, so the
 * core can find out after a crash what happened to a request whose answer it never recorded.
 */
import type { AuthorisationMode, CardBrand, DomainError, ErrorCode, Money } from '../../src-shared';

/** Card data as the merchant sent it (in memory only, on the way to the acquirer), or a stored reference. */
export type CardInput =
  | { kind: 'pan'; pan: string; expiry: string; cvv?: string; cardholderName?: string }
  | { kind: 'ref'; cardRef: string; expiry: string | null };

/** What may be kept about a card: never the PAN. */
export interface AcquiredCard {
  brand: CardBrand;
  bin: string | null;
  last4: string;
  expiry: string | null;
  /** The acquirer's reusable reference for this card, for later charges (card on file, tokens). */
  cardRef: string;
  /** Masked as the wire shows it (first six, last four). */
  maskedPan: string;
}

export interface AuthoriseRequest {
  /** The core's journal reference: a repeated reference is the same request. */
  reference: string;
  card: CardInput;
  amount: Money;
  mode: AuthorisationMode;
  /** Our payment id, as the acquirer's merchant reference. */
  paymentId: string;
  /** Merchant-initiated charge of a stored card (subsequent payment), or cardholder-initiated. */
  initiator: 'cardholder' | 'merchant';
}

export type AuthoriseOutcome =
  | { outcome: 'APPROVED'; authorisationCode: string; acquirerReference: string; card: AcquiredCard }
  | { outcome: 'DECLINED'; reason: ErrorCode; acquirerReference: string; card: AcquiredCard | null }
  | { outcome: 'UNKNOWN'; acquirerReference: string; card: AcquiredCard | null };

export type MoneyMovementResult = { ok: true; acquirerReference: string } | { ok: false; error: DomainError };

/** What the acquirer knows about a request reference. */
export type Inquiry =
  /** No request with this reference reached the acquirer: nothing happened (yet). */
  | { state: 'NOT_RECEIVED' }
  /** Received, outcome not final yet. */
  | { state: 'IN_PROGRESS' }
  | { state: 'AUTHORISATION'; outcome: Exclude<AuthoriseOutcome, { outcome: 'UNKNOWN' }> }
  | { state: 'MOVEMENT'; result: MoneyMovementResult };

export interface Acquirer {
  readonly name: string;
  /** Checks card data without charging it (Luhn, expiry); CARD_INVALID for malformed data. */
  validateCard(card: CardInput, now: Date): DomainError | null;
  authorise(req: AuthoriseRequest): Promise<AuthoriseOutcome>;
  /** What became of the request with this reference (an UNKNOWN answer, or one the core never recorded). */
  inquire(reference: string): Promise<Inquiry>;
  capture(req: {
    reference: string;
    acquirerReference: string | null;
    amount: Money;
    isFinal: boolean;
  }): Promise<MoneyMovementResult>;
  cancel(req: {
    reference: string;
    acquirerReference: string | null;
    amount: Money | null;
  }): Promise<MoneyMovementResult>;
  refund(req: {
    reference: string;
    cardRef: string | null;
    amount: Money;
    paymentId: string;
  }): Promise<MoneyMovementResult>;
  payout(req: {
    reference: string;
    cardRef: string | null;
    amount: Money;
    paymentId: string;
  }): Promise<MoneyMovementResult>;
  /** Stores a card for later charges (tokenisation) without charging it. */
  tokenize(
    card: CardInput,
    now: Date,
  ): Promise<{ ok: true; card: AcquiredCard } | { ok: false; error: DomainError }>;
  /** Card facts for a reference the acquirer issued (or a virtual terminal token it knows); null if unknown. */
  describeCardRef(cardRef: string): AcquiredCard | null;
}
