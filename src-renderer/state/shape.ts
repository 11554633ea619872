/**
 * The shape of the cashier UI's one store: every slice's state and actions, and what the slices get from the
 * app. Types only, in their own module, so the slices and the store that composes them form no import cycle
 * (test/unit/import-cycles.test.ts): slices and store import this; this imports no slice.
 */
import type { CurrencyCode } from '../../src-shared/currencies';
import type { Money } from '../../src-shared/money';
import type { Basket } from '../basket';
import type { EventStreamState, HostEvent } from '../host-link';
import type { HostLink } from '../host-link';
import type { Language } from '../i18n/i18n';
import type { MessageKey } from '../i18n/en';
import type { AmountEntry, KeypadKey } from '../input/amount-entry';
import type { ScannerTiming } from '../input/scanner';
import type { CardOutcome, HostStatus, StaffMember } from './commands';

export type HostReachability = 'checking' | 'reachable' | 'unreachable';

export interface ConnectionSlice {
  host: HostReachability;
  /** Why the host is not reachable, for the technician (the cashier sees a plain sentence). */
  hostDetail: string | null;
  events: EventStreamState;
  status: HostStatus | null;
  probeHost(): Promise<void>;
  setEventStream(state: EventStreamState): void;
  applyHostEvent(event: HostEvent): void;
}

/**
 * A card payment as the cashier follows it. `unknown` is its own phase with its own calm screen: the
 * terminal went silent before telling the result, so the card must not be charged again until the host has
 * recovered the outcome (architecture.md "Card terminal").
 */
export type CardPhase = 'starting' | 'inProgress' | 'cancelling' | CardOutcome;

export interface CardPayment {
  amount: Money;
  phase: CardPhase;
  /** The terminal's live texts, newest last ("Insert card", "Enter PIN", "Approved"). */
  messages: string[];
  error: string | null;
}

export interface PaymentSlice {
  card: CardPayment | null;
  startCardPayment(amount: Money): Promise<void>;
  cancelCardPayment(): Promise<void>;
  recoverCardPayment(): Promise<void>;
  terminalMessage(text: string): void;
  cardOutcome(outcome: CardOutcome): void;
  closeCardPayment(): void;
}

export type TenderMode = 'none' | 'cash' | 'card' | 'split';

export interface Notice {
  key: MessageKey;
  params?: Record<string, string | number>;
  /** A host refusal's own message, shown as is (already actionable, from the error catalog). */
  text?: string;
}

export interface SaleSlice {
  currency: CurrencyCode;
  basket: Basket;
  /** The keypad's entry: a free amount while building the basket, the cash given while tendering. */
  entry: AmountEntry;
  tender: TenderMode;
  notice: Notice | null;
  keypad(key: KeypadKey): void;
  addEntryAsItem(): void;
  addScannedCode(code: string): Promise<void>;
  setLineQuantity(key: string, quantity: number): void;
  removeBasketLine(key: string): void;
  chooseTender(mode: TenderMode): void;
  setCashGiven(amount: Money): void;
  /** Records the cash sale with the host; the basket clears only when the host has it. */
  completeCashSale(given: Money): Promise<void>;
  clearSale(): void;
}

export interface SessionSlice {
  staff: StaffMember | null;
  signingIn: boolean;
  /** The host's refusal (wrong PIN, locked out), in the host's words; null when there is none. */
  signInError: { code: string; message: string } | null;
  signIn(pin: string): Promise<void>;
  /** Signs out; the basket stays, so the next cashier can take over the sale ("switch user"). */
  signOut(): Promise<void>;
}

export interface SettingsSlice {
  language: Language;
  scannerTiming: ScannerTiming;
  setLanguage(language: Language): void;
}

export type Store = ConnectionSlice & SessionSlice & SaleSlice & PaymentSlice & SettingsSlice;

export interface AppDeps {
  host: HostLink;
  currency: CurrencyCode;
  locale: string;
}
