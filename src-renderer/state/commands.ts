/**
 * The host commands and events the screens use, by name, in one place. The host API contract
 * (src-shared/host-api.ts, issue 9) is being written in parallel; until it lands these names and shapes are
 * the renderer's expectation, and binding them to the contract's types is the first step of the next
 * session (docs/app.md "What is missing").
 */
import type { Money } from '../../src-shared/money';

export const COMMANDS = {
  status: 'status',
  signIn: 'staff.signIn',
  signOut: 'staff.signOut',
  lookupItem: 'catalog.lookup',
  startCardPayment: 'payment.card.start',
  cancelCardPayment: 'payment.card.cancel',
  recoverCardPayment: 'payment.card.recover',
  payCash: 'payment.cash',
} as const;

export interface HostStatus {
  online: boolean;
  queued: number;
  oldestQueuedAt: string | null;
  terminal: 'connected' | 'disconnected' | 'unknown';
}

export interface StaffMember {
  staffId: string;
  name: string;
  role: 'cashier' | 'manager';
}

export interface CatalogItem {
  code: string;
  name: string;
  unitPrice: Money;
}

export type CardOutcome = 'approved' | 'declined' | 'cancelled' | 'unknown';

/** Events pushed by the host that the screens follow. */
export const EVENTS = {
  status: 'status',
  terminalMessage: 'terminal.message',
  cardOutcome: 'payment.card.outcome',
} as const;
