/**
 * Schema version 9: the open journal row of a refund, payout or void is the order's refund lock for the
 * online API and the back office (issue 8; docs/core.md "The journal row is the lock"). At most one such row
 * per order may be open, and the database says so: a unique partial index over exactly the rows the
 * open-money-back rule reads (`OPEN_MONEY_BACK_SQL`, journal/entry-store.ts). It replaces v3's
 * `acquirer_journal_open_order` (open rows of every kind by order), which only that rule read. Two open
 * money-back rows of one order could not be written before either (the `refund_locks` row was refused while
 * one was open); should a database hold two anyway, this migration stops with PostgreSQL's unique-violation
 * naming the index, and the rows must be reconciled first (`npm run core -- reconcile`).
 */
export const SCHEMA_V9_JOURNAL_ROW_IS_THE_LOCK = `
CREATE UNIQUE INDEX acquirer_journal_open_money_back ON acquirer_journal (order_id)
  WHERE state <> 'DONE' AND kind IN ('REFUND', 'PAYOUT', 'CANCEL');
DROP INDEX acquirer_journal_open_order;
`;
