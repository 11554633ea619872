/**
 * The session's public types, designed for the POS host's checkout (issue 4): every call resolves to a
 * value. Declines, aborts and unknown outcomes are values, never exceptions.
 */
import type { DomainError, Money } from '../../../src-shared';
import type { Texts } from '../codec/tables/texts';

export interface SessionTimers {
  /** Command → 80 00 / 84 xx (P16 §5.2.5: 5 s). */
  readonly t3Ms: number;
  /** PT's 80 00 → Completion/Abort, restarted by every 04 FF and 04 0F (P16 §5.2.6: 180 s). */
  readonly t4Ms: number;
  /** How many times recovery retries (reconnect + Status Enquiry + Repeat Receipt) before giving up. */
  readonly recoveryAttempts: number;
  /** Pause before each recovery attempt (lets a terminal finish its own timeouts / auto-reversal). */
  readonly recoveryDelayMs: number;
}

export const SPEC_SESSION_TIMERS: SessionTimers = {
  t3Ms: 5_000,
  t4Ms: 180_000,
  recoveryAttempts: 3,
  recoveryDelayMs: 2_000,
};

export interface CardType {
  readonly id: number;
  readonly name: string;
}

/** What a 04 0F carried (P15 §3.1), in domain terms; only the masked PAN is ever kept. */
export interface TransactionDetails {
  readonly resultCode?: number;
  readonly amount?: Money;
  readonly trace?: string;
  readonly originalTrace?: string;
  readonly receiptNumber?: string;
  readonly turnoverNumber?: string;
  readonly terminalId?: string;
  readonly vuNumber?: string;
  readonly maskedPan?: string;
  readonly cardName?: string;
  readonly cardType?: CardType;
  /** BMP 3B: what ZVT calls the AID, the authorisation id of the host (e.g. "750071"). */
  readonly aid?: string;
  /** TLV 43: the EMV application id of the chip (hex). */
  readonly emvAid?: string;
  /** MMDD from BMP 0D, or YYYY-MM-DD when BMP AA gives the year. */
  readonly date?: string;
  /** HH:MM:SS from BMP 0C. */
  readonly time?: string;
  readonly expiry?: string;
  readonly paymentType?: number;
  /** The card token the PT sends in TLV (tag configurable, default DF7C; docs/zvt.md). */
  readonly cardToken?: string;
  readonly cardholderAuthentication?: 'none' | 'signature' | 'online-pin' | 'offline-pin' | 'other';
  readonly cardTechnology?: 'magnetic-stripe' | 'chip' | 'contactless' | 'unknown';
  readonly additionalText?: string;
  readonly totals?: EndOfDayTotals;
}

export interface SchemeTotal {
  readonly scheme: string;
  readonly count: number;
  readonly totalMinor: number;
}

export interface EndOfDayTotals {
  readonly receiptFrom?: string;
  readonly receiptTo?: string;
  readonly schemes: readonly SchemeTotal[];
}

export type ReceiptType = 'customer' | 'merchant' | 'administration' | 'unspecified';

export interface Receipt {
  readonly type: ReceiptType;
  readonly lines: readonly string[];
}

/** Intermediate status, as it happens (04 FF). `lines` are the PT's own display texts (TLV 24/07). */
export interface StatusEvent {
  readonly code: number;
  readonly text: Texts;
  readonly lines: readonly string[];
}

export type RecoveryVerdict = 'went-through' | 'did-not-go-through' | 'undetermined';

export interface RecoveryReport {
  readonly verdict: RecoveryVerdict;
  /** Why, in words a manager can act on. */
  readonly basis: string;
  readonly attempts: number;
  /** The last transaction the terminal has on record (Repeat Receipt), if it answered. */
  readonly lastTransaction?: TransactionDetails;
  readonly receipts: readonly Receipt[];
}

/** Where in the exchange the line failed (for the unknown outcome's explanation). */
export type FailureStage =
  | 'sending-command'
  | 'awaiting-acceptance'
  | 'awaiting-result'
  | 'acknowledging-result'
  | 'receiving-receipt'
  | 'awaiting-completion';

export type TransactionOutcome =
  | {
      readonly kind: 'approved';
      readonly details: TransactionDetails;
      readonly receipts: readonly Receipt[];
      /** Present when the line failed and recovery proved the transaction went through. */
      readonly recovered?: RecoveryReport;
    }
  | {
      readonly kind: 'declined';
      readonly resultCode: number;
      readonly reason: Texts;
      readonly error: DomainError;
      readonly details?: TransactionDetails;
      readonly receipts: readonly Receipt[];
    }
  | {
      readonly kind: 'aborted';
      readonly resultCode: number;
      readonly reason: Texts;
      readonly error: DomainError;
      /** Who asked for the abort when we know: the ECR (abort()), otherwise the customer or a PT timeout. */
      readonly by: 'ecr' | 'customer-or-terminal';
      readonly receipts: readonly Receipt[];
    }
  | {
      /** Definitely nothing charged: never started, refused (84 xx), or recovery proved it did not go through. */
      readonly kind: 'failed';
      readonly error: DomainError;
      readonly resultCode?: number;
      readonly recovery?: RecoveryReport;
    }
  | {
      readonly kind: 'unknown';
      readonly error: DomainError;
      readonly stage: FailureStage;
      /** What the terminal said before the line failed (e.g. an approved 04 0F whose completion is missing). */
      readonly details?: TransactionDetails;
      readonly recovery: RecoveryReport;
    };

export type GoodsIssueAnswer =
  | { readonly kind: 'issued' }
  /** 84 9C 00: ask again in 2 s (vending, P15 §2.2.6). */
  | { readonly kind: 'retry-later' }
  | { readonly kind: 'partial'; readonly amount: Money }
  | { readonly kind: 'failed'; readonly code: number };

export interface TerminalStatus {
  readonly code: number;
  readonly text: Texts;
  readonly softwareVersion?: string;
  readonly terminalId?: string;
}

/**
 * What the session waits for (the technician CLI prints it, a checkout can show it): the terminal's 80 00
 * (T3); the customer and the host during a payment or card read, or the terminal's own work during an
 * administrative command (T4, restarted by each 04 FF and 04 0F); the receipts and the completion after
 * the result.
 */
export type WaitPhase = 'acceptance' | 'customer' | 'processing' | 'completion';

export interface WaitingEvent {
  /** The command being run, as the spec names it ("Authorization", "Read Card" …). */
  readonly command: string;
  readonly phase: WaitPhase;
  /** The longest the session will wait before it gives up on this step. */
  readonly upToMs: number;
  /** The terminal's latest intermediate status in this step, if any. */
  readonly status?: StatusEvent;
}

export interface ReadCardOptions {
  /** How long the terminal waits for a card, 1–255 s (the command's timeout byte, P15 §2.21); default 30. */
  readonly timeoutSeconds?: number;
  /** BMP 19, the card types to read (P15 §2.21); omitted, the terminal reads any card. */
  readonly cardTypeByte?: number;
  /** BMP FC, dialog control (P15 §2.21); omitted, the terminal's default prompts. */
  readonly dialogControl?: number;
}

/** What Read Card (06 C0) tells the counter about a card: enough to find its payments, never the full PAN. */
export interface CardRead {
  /** The card's token (TLV DF7C by default, as in payments): the same token its payments carry. */
  readonly token?: string;
  /** As the terminal sends it (BMP 22), masked; a full PAN is masked by the decoder. */
  readonly maskedPan?: string;
  readonly last4?: string;
  readonly cardType?: CardType;
  readonly cardName?: string;
  /** MM/YY from BMP 0E (YYMM on the wire), when the terminal sends it. */
  readonly expiry?: string;
  readonly technology?: TransactionDetails['cardTechnology'];
  /** TLV 43: the chip application (hex). */
  readonly emvAid?: string;
}

export type ReadCardOutcome =
  | { readonly kind: 'read'; readonly card: CardRead }
  /** No card was presented before the timeout (the terminal's, or ours: then we sent 06 B0). */
  | {
      readonly kind: 'no-card';
      readonly resultCode?: number;
      readonly reason: Texts;
      readonly error: DomainError;
    }
  | {
      readonly kind: 'aborted';
      readonly by: 'ecr' | 'customer-or-terminal';
      readonly resultCode: number;
      readonly reason: Texts;
      readonly error: DomainError;
    }
  /** A card was there but could not be read (result code ≠ 00, 6C). */
  | {
      readonly kind: 'not-read';
      readonly resultCode: number;
      readonly reason: Texts;
      readonly error: DomainError;
    }
  /** The terminal refused Read Card (84 xx) or the line failed; nothing happened, it can be run again. */
  | { readonly kind: 'failed'; readonly error: DomainError; readonly resultCode?: number };
