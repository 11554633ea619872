/**
 * Cash put into or taken out of a counter's drawer outside a sale (float, safe drop, petty cash, a
 * correction), as the terminal sync API reports it, in the sync push's transaction. Not a ledger operation:
 * no order or payment is involved, so the ledger's rules have nothing to say about it; it is kept for the
 * store's cash reconciliation.
 */
import type { Money, Uuid } from '../../src-shared';
import type { Queryable } from '../db/adapter';
import type { LedgerContext } from '../ledger/context';
import type { CounterTerminal } from './counter-sales';

export interface CashMovement {
  /** The id the counter gave it (its sync message's id): a resend is stopped before by the push's record. */
  movementId: Uuid;
  direction: 'IN' | 'OUT';
  reason: 'FLOAT' | 'SAFE_DROP' | 'PETTY_CASH' | 'CORRECTION';
  amount: Money;
  note: string | null;
  operatorId: string | null;
  /** The terminal's clock. */
  occurredAt: Date;
}

export async function recordCashMovementInTx(
  tx: Queryable,
  ctx: LedgerContext,
  terminal: CounterTerminal,
  c: CashMovement,
): Promise<void> {
  await tx.query(
    `INSERT INTO cash_movements (id, merchant_id, store_id, terminal_id, direction, reason, amount_minor,
       currency, note, operator_id, occurred_at, recorded_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      c.movementId,
      terminal.merchantId,
      terminal.storeId,
      terminal.terminalId,
      c.direction,
      c.reason,
      c.amount.amountMinor,
      c.amount.currency,
      c.note,
      c.operatorId,
      c.occurredAt,
      ctx.clock.now(),
    ],
  );
}
