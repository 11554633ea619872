/**
 * What every checkout use case gets from the composition root: the store, the card terminal, a clock, an id
 * source, and ports to the core. Use cases take it as an argument; nothing here is a module-level singleton.
 */
import {
  domainError,
  isValidIssuer,
  type CurrencyCode,
  type DomainError,
  type Money,
  type Result,
  type Uuid,
} from '../../src-shared';
import type { Reservation, ReserveRefundRequest } from '../../src-shared/sync-protocol';
import type { StoreDb } from '../store';
import type { EcrSession } from '../zvt/session/ecr-session';
import type { StatusEvent } from '../zvt/session/types';

/** The part of the ZVT session checkout uses (EcrSession satisfies it). */
export type CardTerminal = Pick<
  EcrSession,
  | 'authorize'
  | 'reverse'
  | 'refund'
  | 'endOfDay'
  | 'recover'
  | 'repeatReceipt'
  | 'onStatus'
  | 'lastKnownReceipt'
>;

/** A failure talking to the core: transient (try later) or a final answer from its error catalog. */
export interface CoreFailure {
  readonly kind: 'transient' | 'rejected';
  readonly error: DomainError;
}

/** The core calls checkout makes directly (not queued); built from h-sync's signed client. */
export interface CoreRefundPort {
  reserveRefund(req: ReserveRefundRequest): Promise<Result<Reservation, CoreFailure>>;
  releaseReservation(reservationId: string): Promise<Result<unknown, CoreFailure>>;
}

/** Something the UI shows as it happens (pushed as a host-API event). */
export type CheckoutEvent =
  | { kind: 'terminal-status'; attemptId: string; code: number; text: string; lines: readonly string[] }
  | { kind: 'attempt-started'; attemptId: string; orderId: string; amount: Money; what: string }
  | { kind: 'attempt-finished'; attemptId: string; orderId: string; state: string }
  | { kind: 'order-changed'; orderId: string }
  | { kind: 'outbox-changed' }
  /** Online/offline, the terminal connection or an exception changed. */
  | { kind: 'status-changed' };

export interface CheckoutPolicy {
  /** Wrong PINs before a lockout. */
  readonly pinMaxFailures: number;
  readonly pinLockoutMinutes: number;
  /** A drawer count that differs by more needs a manager and a reason. */
  readonly cashDifferenceLimitMinor: number;
}

export const DEFAULT_POLICY: CheckoutPolicy = {
  pinMaxFailures: 5,
  pinLockoutMinutes: 15,
  cashDifferenceLimitMinor: 500,
};

export interface CheckoutDeps {
  readonly db: StoreDb;
  readonly terminal: CardTerminal;
  readonly clock: () => Date;
  readonly newId: () => Uuid;
  /** This counter's payment-id issuer (assigned at enrollment). */
  readonly issuer: number;
  readonly currency: CurrencyCode;
  readonly policy: CheckoutPolicy;
  readonly emit: (e: CheckoutEvent) => void;
  /** Reservations for card-present refunds; absent when the counter is not enrolled with a core. */
  readonly core?: CoreRefundPort;
  /** Whether the last sync reached the core (from the sync daemon); false when unknown. */
  readonly isOnline: () => boolean;
  /**
   * Resolves once the daemon knows whether the core answers (right after a start nothing has answered yet),
   * or after `maxWaitMs`; absent without a sync daemon (offline-policy.ts).
   */
  readonly awaitOnlineKnown?: (maxWaitMs: number) => Promise<void>;
  /** Asks the sync daemon to push now; resolves when that push is over (answered or failed). */
  readonly syncNow: () => Promise<void>;
  /**
   * Called inside the transaction that records a payment collected here (cash or card), after it is written:
   * the host clears the open basket there when the payment settles the checkout that sold it, so a basket
   * is never lost and never sold twice.
   */
  readonly onLocalPayment?: (orderId: string) => void;
}

/** The business day of a moment, in the counter's local time zone. */
export function businessDay(at: Date): string {
  const y = at.getFullYear();
  const m = String(at.getMonth() + 1).padStart(2, '0');
  const d = String(at.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

export function statusText(e: StatusEvent): string {
  return e.text.en;
}

/**
 * A counter without a payment-id issuer (a bare data directory, not yet enrolled with a core) takes, returns
 * and voids no money: every payment id must be the core's issuer's, and an id minted under another could never
 * be synced. Each use case that does asks this first (sale, cash and card payments, deposits, balances,
 * refunds and their requests and approvals, voids), before it writes anything.
 */
export function counterNotSetUp(deps: Pick<CheckoutDeps, 'issuer'>): DomainError | null {
  return isValidIssuer(deps.issuer) ? null : domainError('COUNTER_NOT_SET_UP');
}
