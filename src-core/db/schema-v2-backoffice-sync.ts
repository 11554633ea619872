/**
 * Schema version 2: what the back-office API and the terminal sync API add to the data model of v1.
 *
 * - Orders get a copy of their derived status and amounts (`status`, `authorised_minor`, `collected_minor`,
 *   `refundable_minor`) so back-office lists can filter and page in SQL. They are never a source of truth:
 *   the ledger service rewrites them from the shared ledger rules in the same transaction as every
 *   operation (ledger/order-summary.ts), and `summary_op_count` says which operation they reflect, so a
 *   stale copy is detectable and rebuilt at start-up.
 * - `refund_reservations`: card-present refunds at the counter reserved through the sync API. The order's
 *   refund lock (`refund_locks`) is what holds the order; this table remembers the reservation after the lock
 *   is gone (confirmed, released or expired), so a late confirmation can be checked against it.
 * - `cash_movements` and `end_of_day_reports`: pushed by terminals, append-only.
 */
export const SCHEMA_V2_BACKOFFICE_SYNC = `
ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DECLINED',
  'AUTHORISED', 'PARTIALLY_PAID', 'PAID', 'PARTIALLY_REFUNDED', 'REFUNDED', 'CHARGEBACKED', 'CANCELLED'));
ALTER TABLE orders ADD COLUMN authorised_minor bigint NOT NULL DEFAULT 0 CHECK (authorised_minor >= 0);
ALTER TABLE orders ADD COLUMN collected_minor bigint NOT NULL DEFAULT 0 CHECK (collected_minor >= 0);
ALTER TABLE orders ADD COLUMN refundable_minor bigint NOT NULL DEFAULT 0 CHECK (refundable_minor >= 0);
ALTER TABLE orders ADD COLUMN summary_op_count integer NOT NULL DEFAULT 0 CHECK (summary_op_count >= 0);
CREATE INDEX orders_merchant_status_recorded ON orders (merchant_id, status, recorded_at, id);
CREATE INDEX orders_stale_summary ON orders (id) WHERE summary_op_count <> op_count;
CREATE INDEX operations_terminal_occurred ON operations (terminal_id, occurred_at) WHERE terminal_id IS NOT NULL;

CREATE TABLE refund_reservations (
  id uuid PRIMARY KEY,
  merchant_id text NOT NULL REFERENCES merchants (id),
  terminal_id uuid NOT NULL REFERENCES terminals (id),
  order_id uuid NOT NULL REFERENCES orders (id),
  payment_id text NOT NULL REFERENCES payments (id),
  amount_minor bigint NOT NULL CHECK (amount_minor > 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  lock_id uuid NOT NULL UNIQUE,
  state text NOT NULL CHECK (state IN ('HELD', 'CONFIRMED', 'RELEASED')),
  operation_id uuid REFERENCES operations (id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  settled_at timestamptz,
  CHECK ((state = 'CONFIRMED') = (operation_id IS NOT NULL)),
  CHECK ((state = 'HELD') = (settled_at IS NULL)),
  CHECK (expires_at > created_at)
);
CREATE INDEX refund_reservations_order ON refund_reservations (order_id, created_at);

CREATE TABLE cash_movements (
  id uuid PRIMARY KEY,
  merchant_id text NOT NULL REFERENCES merchants (id),
  store_id uuid NOT NULL REFERENCES stores (id),
  terminal_id uuid NOT NULL REFERENCES terminals (id),
  direction text NOT NULL CHECK (direction IN ('IN', 'OUT')),
  reason text NOT NULL CHECK (reason IN ('FLOAT', 'SAFE_DROP', 'PETTY_CASH', 'CORRECTION')),
  amount_minor bigint NOT NULL CHECK (amount_minor > 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  note text CHECK (length(note) <= 200),
  operator_id text,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cash_movements_terminal ON cash_movements (terminal_id, occurred_at);
CREATE TRIGGER cash_movements_append_only BEFORE UPDATE OR DELETE ON cash_movements
  FOR EACH ROW EXECUTE FUNCTION counter_refuse_change();

CREATE TABLE end_of_day_reports (
  id uuid PRIMARY KEY,
  merchant_id text NOT NULL REFERENCES merchants (id),
  store_id uuid NOT NULL REFERENCES stores (id),
  terminal_id uuid NOT NULL REFERENCES terminals (id),
  business_day date NOT NULL,
  period_start timestamptz,
  period_end timestamptz NOT NULL,
  totals text NOT NULL,
  reconciliation text NOT NULL,
  matches boolean NOT NULL,
  terminal_reference text,
  operator_id text,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CHECK (period_start IS NULL OR period_start < period_end)
);
CREATE INDEX end_of_day_reports_terminal ON end_of_day_reports (terminal_id, period_end);
CREATE TRIGGER end_of_day_reports_append_only BEFORE UPDATE OR DELETE ON end_of_day_reports
  FOR EACH ROW EXECUTE FUNCTION counter_refuse_change();
`;
