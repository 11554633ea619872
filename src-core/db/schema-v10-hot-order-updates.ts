/**
 * Schema version 10: writes a money path does not need (issue 8; docs/core.md "Index writes per operation").
 *
 * - **An order's row is updated in place (HOT).** Every operation rewrites its order row (counters, summary).
 *   `orders_stale_summary` (v2) indexed the rows whose summary lagged `op_count`; because its condition names
 *   `op_count`, no update of an order could be a heap-only tuple, so each one also wrote a new entry into every
 *   index of `orders`. Dropped; and `orders` keeps a fifth of each page free so the new row version fits beside
 *   the old one. The start-up repair (backoffice/summaries.ts) needs the stale rows only once: they are listed,
 *   with that index, in `order_summaries_pending` here, and the repair rebuilds and removes them. (Every append
 *   writes the summary in its own statement, so nothing makes a summary stale after this.)
 * - **One index of the journal's open rows** (`acquirer_journal_open_payment`, by payment): it replaces the
 *   by-payment index of every row, whose one reader asks for a payment's open rows (`selectOpenEntriesOfPayment`),
 *   and v3's `acquirer_journal_open` (by creation time), whose one reader, the reconciler's scan
 *   (`selectDueEntries`), reads all the open rows anyway (a few: those in flight and those in doubt). A row's
 *   insert writes one index entry less, and closing it one less again.
 * - **The feed's key indexes store rows only** (`operations_store_feed_pos`): an online operation has no store
 *   and no feed position, and NULLs never collide in a unique index, so the same rule without an index entry
 *   per online operation.
 */
export const SCHEMA_V10_HOT_ORDER_UPDATES = `
CREATE TABLE order_summaries_pending (
  order_id uuid PRIMARY KEY REFERENCES orders (id)
);
INSERT INTO order_summaries_pending (order_id) SELECT id FROM orders WHERE summary_op_count <> op_count;
DROP INDEX orders_stale_summary;
ALTER TABLE orders SET (fillfactor = 80);
CREATE INDEX acquirer_journal_open_payment ON acquirer_journal (payment_id, created_at) WHERE state <> 'DONE';
DROP INDEX acquirer_journal_payment;
DROP INDEX acquirer_journal_open;
CREATE UNIQUE INDEX operations_store_feed_pos ON operations (store_id, feed_pos) WHERE store_id IS NOT NULL;
ALTER TABLE operations DROP CONSTRAINT operations_store_id_feed_pos_key;
`;
