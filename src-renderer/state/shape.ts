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
import type {
  CatalogueItem,
  HostStatus,
  Receipt,
  RefundableView,
  SaleAnswer,
  StaffEntry,
  StaffMember,
} from './commands';

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
 * A checkout as the cashier follows it. `unknown` is its own phase with its own calm screen: the answer did
 * not come, or the terminal went silent before telling the result, so the card must not be charged again
 * until the outcome is recovered (architecture.md "Card terminal"). `approved` covers every tender that
 * ended paid (card, cash, split); `declined` and `notCharged` leave the order open with its balance due.
 */
export type CheckoutPhase =
  'starting' | 'inProgress' | 'cancelling' | 'approved' | 'declined' | 'notCharged' | 'failed' | 'unknown';

/** What was asked, kept whole so a retry sends exactly the same request under the same checkout id. */
export type CheckoutRequest =
  | { command: 'sale.checkout'; input: Record<string, unknown> & { checkoutId: string } }
  | { command: 'deposit.take'; input: Record<string, unknown> & { checkoutId: string } }
  | { command: 'balance.collect'; input: Record<string, unknown> & { checkoutId: string } };

export interface Checkout {
  /** Null for a card command found running after a reload (its request lived in the old page). */
  request: CheckoutRequest | null;
  kind: 'sale' | 'deposit' | 'balance';
  /** Whether a card is part of it (the terminal's texts are shown; the dialog cannot be dismissed). */
  card: boolean;
  amount: Money;
  phase: CheckoutPhase;
  /** The terminal's live texts, newest last ("Insert card", "Enter PIN", "Approved"). */
  messages: string[];
  attemptId: string | null;
  answer: SaleAnswer | null;
  /** A refusal or a failed tender, in the host's words. */
  error: string | null;
  /** The cashier asked the terminal to stop (the outcome still comes from the terminal). */
  cancelRequested: boolean;
  /** The order being paid, once known (from the answer, or the terminal's attemptFinished). */
  orderId: string | null;
}

export interface PaymentSlice {
  checkout: Checkout | null;
  /** Card for the whole basket. */
  startCardPayment(amount: Money): Promise<void>;
  /** Cash for the whole basket. */
  completeCashSale(given: Money): Promise<void>;
  /** Split: the card pays its part first, then the cash part. */
  startSplitPayment(cardPart: Money, cashPart: Money): Promise<void>;
  takeDeposit(input: DepositInput): Promise<void>;
  collectBalance(orderId: string, tender: 'CARD' | { cashGiven: Money }, amount: Money): Promise<void>;
  cancelCardPayment(): Promise<void>;
  /** Unknown outcome: asks the host to recover it, then reads the checkout's answer again (same id). */
  recoverCardPayment(): Promise<void>;
  /** A declined or not-charged card: try again on the same order (balance, new checkout id). */
  retryCard(): Promise<void>;
  terminalMessage(attemptId: string, text: string): void;
  attemptStarted(attemptId: string): void;
  /** A card command the host reports running (status.currentAttempt) that this page did not start. */
  resumeCheckout(running: { attemptId: string; amountMinor: number; lastText: string | null }): void;
  /** attemptFinished: settles a resumed checkout (others wait for their own answer). */
  attemptFinished(attemptId: string, orderId: string, state: string): void;
  closeCheckout(): void;
}

export interface DepositInput {
  customerName: string;
  contact: string;
  total: Money;
  deposit: { amount: Money } | { percent: number };
  tender: 'CARD' | { cashGiven: Money };
}

export type TenderMode = 'none' | 'cash' | 'card' | 'split';

export interface Notice {
  key: MessageKey;
  params?: Record<string, string | number>;
  /** A host refusal's own message, shown as is (already actionable, from the error catalog). */
  text?: string;
}

export interface ItemSearch {
  query: string;
  results: CatalogueItem[];
  /** The query the results answer (null before the first answer). */
  answered: string | null;
  /** The host's refusal or "not reachable", in words. */
  error: string | null;
}

export interface SaleSlice {
  currency: CurrencyCode;
  basket: Basket;
  /** The keypad's entry: a free amount while building the basket, the cash given while tendering. */
  entry: AmountEntry;
  tender: TenderMode;
  notice: Notice | null;
  /** True while the basket the host kept is being read after a sign-in (restoreBasket). */
  basketRestoring: boolean;
  /** The item search on the sale screen: what was typed and the host's answer to it (catalogue.search). */
  search: ItemSearch;
  keypad(key: KeypadKey): void;
  /** Searches as the cashier types; an answer to an older query than the field's is dropped. */
  searchItems(query: string): Promise<void>;
  /** A picked search result goes into the basket (one more if it is there already); the search clears. */
  addSearchedItem(item: CatalogueItem): void;
  addEntryAsItem(): void;
  /** The basket line the keypad's Quantity / Discount keys act on; null means the last line. */
  selectedLine: string | null;
  selectLine(key: string | null): void;
  /** The keypad's number as the selected line's quantity, amount discount or percentage discount. */
  applyEntryToLine(kind: 'quantity' | 'discount' | 'percent'): void;
  /** The keypad's number as a discount on the whole basket (an amount, or a percentage). */
  applyEntryToBasket(kind: 'amount' | 'percent'): void;
  addScannedCode(code: string): Promise<void>;
  setLineQuantity(key: string, quantity: number): void;
  removeBasketLine(key: string): void;
  chooseTender(mode: TenderMode): void;
  setCashGiven(amount: Money): void;
  /** Resolves when the host has the basket as it is now. */
  basketSaved(): Promise<void>;
  /**
   * Reads the basket the host kept (after a reload, a restart, a change of cashier). It becomes the basket
   * only if the cashier has not changed the basket here meanwhile (added, changed or removed anything).
   */
  restoreBasket(): Promise<void>;
  clearSale(): void;
}

export interface SessionSlice {
  /** Who can sign in here (staff.list), for the sign-in screen. */
  staffList: StaffEntry[] | null;
  /** The staff member picked on the sign-in screen, before the PIN. */
  pickedStaffId: string | null;
  staff: StaffMember | null;
  signingIn: boolean;
  /** The host's refusal (wrong PIN, locked out), in the host's words; null when there is none. */
  signInError: { code: string; message: string } | null;
  loadStaff(): Promise<void>;
  pickStaff(staffId: string | null): void;
  signIn(pin: string): Promise<void>;
  /** Signs out; the basket stays, so the next cashier can take over the sale ("switch user"). */
  signOut(): Promise<void>;
  /**
   * A new counter (nobody can sign in yet): creates the first manager (staff.enroll needs no manager then),
   * signs them in and opens the manager's Settings, where the counter is enrolled and the terminal chosen.
   * Answers the host's refusal (a taken id, a weak PIN) or null when done.
   */
  createFirstManager(input: {
    staffId: string;
    name: string;
    pin: string;
  }): Promise<{ code: string; message: string } | null>;
  /** The manager view to open first (Settings right after the first manager was created); then cleared. */
  managerStartView: 'settings' | null;
}

/** The cashier's screens; `manager` is the manager stream's area (ui/areas.ts). */
export type Screen = 'sale' | 'deposit' | 'balance' | 'receipt' | 'manager';

export interface ScreensSlice {
  screen: Screen;
  /** The receipt on the receipt screen (after a checkout, or looked up for a reprint). */
  receipt: Receipt | null;
  receiptError: string | null;
  /** The order on the collect-balance screen. */
  balanceOrder: RefundableView | null;
  balanceError: string | null;
  go(screen: Screen): void;
  showReceipt(orderId: string, reprint?: boolean): Promise<void>;
  findBalanceOrder(orderId: string): Promise<void>;
}

export interface SettingsSlice {
  language: Language;
  /** The address asked for a language (`?lang=`): the saved language does not replace it at start. */
  languagePinned: boolean;
  scannerTiming: ScannerTiming;
  setLanguage(language: Language): void;
  /** Reads the counter's saved settings (settings.get) and applies the language and the scanner timing. */
  loadSettings(): Promise<void>;
  /** Applies saved settings; `saved` (the manager just saved them) switches the language even if pinned. */
  applySettings(settings: { language: Language; scanner: ScannerTiming }, o?: { saved?: boolean }): void;
}

export type Store = ConnectionSlice & SessionSlice & SaleSlice & PaymentSlice & ScreensSlice & SettingsSlice;

export interface AppDeps {
  host: HostLink;
  currency: CurrencyCode;
  locale: string;
}
