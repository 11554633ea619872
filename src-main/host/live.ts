/**
 * What the host knows right now and the UI must be able to read again after a reconnect (status): the card
 * terminal's connection, the card command running and the terminal's last text. It also keeps the lines the
 * terminal prints through us during a card payment and stores them with the payment (masked card number only),
 * for the receipt.
 */
import type { CheckoutEvent } from '../checkout/context';
import { getAttempt, saveTerminalReceipt, type StoreDb, type TerminalReceiptCopy } from '../store';

export type TerminalConnection = 'READY' | 'BUSY' | 'DISCONNECTED' | 'UNKNOWN';

export interface CurrentAttempt {
  readonly attemptId: string;
  readonly amountMinor: number;
  readonly what: string;
  readonly lastText: string | null;
}

export interface LiveState {
  terminal(): { state: TerminalConnection; port: string | null; lastSeenAt: string | null };
  currentAttempt(): CurrentAttempt | null;
  /** The terminal answered (READY) or could not be reached (DISCONNECTED); emits statusChanged on a change. */
  setTerminal(state: TerminalConnection): void;
  /** Every checkout event passes through here before it reaches the listeners. */
  observe(e: CheckoutEvent): void;
  /** A line the terminal printed through us, with the receipt it belongs to (customer or merchant copy). */
  receiptLine(line: string, type?: TerminalReceiptCopy): void;
}

/**
 * Any run of 13 to 19 digits (spaces or dashes between them allowed) is masked to its last four: whatever a
 * terminal prints, no full card number reaches the database or a receipt.
 */
export function maskCardNumbers(line: string): string {
  return line.replace(/\d(?:[ -]?\d){12,18}/g, (run) => {
    const digits = run.replace(/\D/g, '');
    return '*'.repeat(digits.length - 4) + digits.slice(-4);
  });
}

export function createLiveState(o: {
  db: StoreDb;
  /** Read at every status: a port saved in Settings shows at once. */
  port: () => string | null;
  clock: () => Date;
  emitStatusChanged: () => void;
}): LiveState {
  let state: TerminalConnection = 'UNKNOWN';
  let lastSeenAt: string | null = null;
  let current: CurrentAttempt | null = null;
  let printed: { line: string; type: TerminalReceiptCopy }[] = [];
  const seen = () => {
    lastSeenAt = o.clock().toISOString();
  };
  const set = (next: TerminalConnection) => {
    if (next !== 'DISCONNECTED' && next !== 'UNKNOWN') seen();
    if (next === state) return;
    state = next;
    o.emitStatusChanged();
  };
  return {
    terminal: () => ({ state, port: o.port(), lastSeenAt }),
    currentAttempt: () => current,
    setTerminal: set,
    receiptLine(line, type) {
      if (current && printed.length < 200)
        printed.push({ line: maskCardNumbers(line).slice(0, 80), type: type ?? 'unspecified' });
    },
    observe(e) {
      switch (e.kind) {
        case 'attempt-started':
          current = {
            attemptId: e.attemptId,
            amountMinor: e.amount.amountMinor,
            what: e.what,
            lastText: null,
          };
          printed = [];
          set('BUSY');
          return;
        case 'terminal-status':
          seen();
          if (current?.attemptId === e.attemptId) current = { ...current, lastText: e.text };
          return;
        case 'attempt-finished': {
          const a = getAttempt(o.db, e.attemptId);
          if (e.state === 'APPROVED' && a && printed.length > 0) {
            saveTerminalReceipt(o.db, {
              attemptId: a.attemptId,
              orderId: a.orderId,
              paymentId: a.paymentId,
              lines: printed.map((p) => p.line),
              receipts: byReceipt(printed),
              createdAt: o.clock().toISOString(),
            });
          }
          current = null;
          printed = [];
          // The terminal told us the outcome (or the line failed: the handler says DISCONNECTED after this).
          set('READY');
          return;
        }
        case 'order-changed':
        case 'outbox-changed':
        case 'status-changed':
          return;
      }
    },
  };
}

/** Consecutive lines of one type are one receipt (a terminal prints the merchant's copy, then the customer's). */
function byReceipt(printed: readonly { line: string; type: TerminalReceiptCopy }[]) {
  const out: { type: TerminalReceiptCopy; lines: string[] }[] = [];
  for (const p of printed) {
    const last = out.at(-1);
    if (last && last.type === p.type) last.lines.push(p.line);
    else out.push({ type: p.type, lines: [p.line] });
  }
  return out;
}
