/**
 * The copy of each order's derived status and amounts kept on its row (schema v2), so the back office can
 * filter and page orders in SQL. The ledger rules stay the only source of truth: the copy is rewritten from
 * `orderBalances` in the same statement that appends every operation (`insertOperation` in store.ts, from
 * `appendChecked` in service.ts), and `summary_op_count` records which operation it reflects, so a stale copy
 * can always be found and rebuilt.
 */
import { orderBalances, type OrderState } from '../../src-shared';
import { orderStatusFromBalances } from '../../src-shared/backoffice-api';
import type { Queryable } from '../db/adapter';

/** The summary columns of an order in a given state. */
export interface OrderSummaryColumns {
  status: string;
  authorisedMinor: number;
  collectedMinor: number;
  refundableMinor: number;
}

export function orderSummaryColumns(state: OrderState): OrderSummaryColumns {
  const b = orderBalances(state);
  return {
    status: orderStatusFromBalances(b),
    authorisedMinor: b.authorised.amountMinor,
    collectedMinor: b.collected.amountMinor,
    refundableMinor: b.refundable.amountMinor,
  };
}

/** Rewrites the copy on its own (the start-up repair of stale summaries, backoffice/summaries.ts). */
export async function writeOrderSummaryInTx(
  tx: Queryable,
  orderId: string,
  state: OrderState,
  operationCount: number,
): Promise<void> {
  const s = orderSummaryColumns(state);
  await tx.query(
    `UPDATE orders SET status = $2, authorised_minor = $3, collected_minor = $4, refundable_minor = $5,
       summary_op_count = $6
     WHERE id = $1`,
    [orderId, s.status, s.authorisedMinor, s.collectedMinor, s.refundableMinor, operationCount],
  );
}
