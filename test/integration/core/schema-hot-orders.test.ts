/**
 * Schema version 10 lets an order's row be updated in place (docs/core.md "Index writes per operation"): no
 * index of `orders` may name a column every append rewrites, or PostgreSQL writes a new entry into every index
 * of the table on each operation. What the dropped index was for, finding the orders whose back-office summary
 * lagged their ledger, is done once: the migration lists them and the start-up repair rebuilds each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPaymentId, money, type Uuid } from '../../../src-shared';
import { rebuildStaleOrderSummaries } from '../../../src-core/backoffice/summaries';
import { migrate, MIGRATIONS } from '../../../src-core/db/migrations';
import { createLedgerContext } from '../../../src-core/ledger/context';
import { createLedgerService } from '../../../src-core/ledger/service';
import { DATABASE_KINDS, openTestDatabase, type TestDatabase } from '../../helpers/core-db';
import { ledgerWrites } from '../../helpers/ledger-writes';

const M = 'M-hot';
const EUR = (n: number) => money(n, 'EUR');
const BEFORE = MIGRATIONS.filter((m) => m.version < 10);
/** What the append statement rewrites on every operation (ledger/store.ts), status aside: it moves rarely. */
const REWRITTEN_BY_EVERY_APPEND = [
  'op_count',
  'summary_op_count',
  'updated_at',
  'authorised_minor',
  'collected_minor',
  'refundable_minor',
];

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(
    `schema 10, orders updated in place, on ${kind}${skip ? ` (${skip})` : ''}`,
    () => {
      let t: TestDatabase;
      const ctx = createLedgerContext();
      const orders: Uuid[] = [];

      const summaryOf = async (orderId: Uuid) =>
        (
          await t.db.query<{ status: string; collected: string; counted: number; ops: number }>(
            `SELECT status, collected_minor::text AS collected, summary_op_count AS counted, op_count AS ops
           FROM orders WHERE id = $1`,
            [orderId],
          )
        )[0];

      beforeAll(async () => {
        t = await openTestDatabase(kind, 4, BEFORE);
        await t.db.query(`INSERT INTO merchants (id, name) VALUES ($1, 'HOT test shop')`, [M]);
        const writes = ledgerWrites(createLedgerService(t.db, ctx));
        for (const n of [1, 2, 3]) {
          const created = await writes.createOrderWithPayment(
            { merchantId: M, currency: 'EUR', total: EUR(1_000 * n), channel: 'ONLINE' },
            {
              paymentId: formatPaymentId(1, 515_000 + n),
              channel: 'ONLINE',
              opening: { kind: 'SALE', amount: EUR(1_000 * n) },
            },
          );
          if (!created.ok) throw new Error(created.error.message);
          orders.push(created.value.order.orderId);
        }
        // Two orders whose summary lags their ledger, as orders recorded before schema 2 had it.
        await t.db.query(
          `UPDATE orders SET summary_op_count = 0, status = 'PENDING', collected_minor = 0 WHERE id IN ($1::uuid, $2::uuid)`,
          [orders[0]!, orders[2]!],
        );
      });
      afterAll(async () => {
        await t?.dispose();
      });

      it('lists the lagging summaries when migrating, and the start-up repair rebuilds them once', async () => {
        expect(await summaryOf(orders[0]!)).toEqual({
          status: 'PENDING',
          collected: '0',
          counted: 0,
          ops: 1,
        });

        await expect(migrate(t.db)).resolves.toBe(MIGRATIONS.at(-1)!.version);
        const listed = await t.db.query<{ order_id: string }>(
          'SELECT order_id FROM order_summaries_pending ORDER BY order_id',
        );
        expect(listed.map((r) => r.order_id)).toEqual([orders[0], orders[2]].sort());

        await expect(rebuildStaleOrderSummaries(t.db)).resolves.toBe(2);
        expect(await summaryOf(orders[0]!)).toEqual({
          status: 'PAID',
          collected: '1000',
          counted: 1,
          ops: 1,
        });
        expect(await summaryOf(orders[2]!)).toEqual({
          status: 'PAID',
          collected: '3000',
          counted: 1,
          ops: 1,
        });
        expect(await summaryOf(orders[1]!)).toEqual({
          status: 'PAID',
          collected: '2000',
          counted: 1,
          ops: 1,
        });
        expect(await t.db.query('SELECT 1 FROM order_summaries_pending')).toEqual([]);
        await expect(rebuildStaleOrderSummaries(t.db)).resolves.toBe(0);
      });

      it('no index of orders names a column every operation rewrites', async () => {
        const indexes = await t.db.query<{ name: string; def: string }>(
          `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'orders'::regclass`,
        );
        expect(indexes.length).toBeGreaterThanOrEqual(4);
        const naming = indexes.filter((ix) =>
          REWRITTEN_BY_EVERY_APPEND.some((col) => new RegExp(`\\b${col}\\b`).test(ix.def)),
        );
        expect(naming.map((ix) => ix.def)).toEqual([]);
      });
    },
  );
}
