/**
 * The copy of each order's derived status and amounts kept on its row (schema v2), so the back office can
 * filter and page orders in SQL. The ledger rules stay the only source of truth: the copy is rewritten from
 * `orderBalances` in the same transaction as every operation (called from `appendChecked` in service.ts),
 * and `summary_op_count` records which operation it reflects, so a stale copy can always be found and rebuilt.
 */
import { orderBalances, type OrderState } from '../../src-shared';
import { orderStatusFromBalances } from '../../src-shared/backoffice-api';
import type { Queryable } from '../db/adapter';

export async function writeOrderSummaryInTx(
  tx: Queryable,
  orderId: string,
  state: OrderState,
  operationCount: number,
): Promise<void> {
  const b = orderBalances(state);
  await tx.query(
    `UPDATE orders SET status = $2, authorised_minor = $3, collected_minor = $4, refundable_minor = $5,
       summary_op_count = $6
     WHERE id = $1`,
    [
      orderId,
      orderStatusFromBalances(b),
      b.authorised.amountMinor,
      b.collected.amountMinor,
      b.refundable.amountMinor,
      operationCount,
    ],
  );
}
