/**
 * The schema, as an ordered list of forward-only migrations: entry i takes `user_version` i to i + 1.
 * Never edit a shipped entry; append a new one. Money is INTEGER minor units beside a currency column;
 * times are ISO 8601 UTC text; JSON columns are checked with json_valid.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE settings (
    key TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 100),
    value TEXT NOT NULL
  ) STRICT;

  -- The payment-id issuer's next sequence, persisted before an id is handed out (src-shared/ids.ts).
  CREATE TABLE id_sequences (
    issuer INTEGER PRIMARY KEY CHECK (issuer BETWEEN 1 AND 999999),
    next INTEGER NOT NULL CHECK (next >= 0)
  ) STRICT;

  -- What the card terminal last booked, so recovery works after a host restart too.
  CREATE TABLE terminal_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last_receipt TEXT,
    last_trace TEXT,
    updated_at TEXT NOT NULL
  ) STRICT;

  CREATE TABLE staff (
    staff_id TEXT PRIMARY KEY CHECK (length(staff_id) BETWEEN 1 AND 100),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role TEXT NOT NULL CHECK (role IN ('CASHIER', 'MANAGER')),
    pin_hash TEXT NOT NULL CHECK (pin_hash LIKE 'scrypt$%'),
    failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until TEXT,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
  ) STRICT;

  CREATE TABLE catalogue (
    sku TEXT PRIMARY KEY CHECK (length(sku) BETWEEN 1 AND 64),
    barcode TEXT UNIQUE CHECK (barcode IS NULL OR length(barcode) BETWEEN 1 AND 64),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    tax_rate_bp INTEGER NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    updated_at TEXT NOT NULL
  ) STRICT;

  CREATE TABLE customers (
    customer_id TEXT PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    contact TEXT CHECK (contact IS NULL OR length(contact) <= 200),
    created_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX customers_name ON customers (name COLLATE NOCASE);

  CREATE TABLE orders (
    order_id TEXT PRIMARY KEY CHECK (length(order_id) = 36),
    kind TEXT NOT NULL CHECK (kind IN ('SALE', 'DEPOSIT', 'REMOTE')),
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    total_minor INTEGER CHECK (total_minor IS NULL OR total_minor > 0),
    tax_minor INTEGER NOT NULL DEFAULT 0 CHECK (tax_minor >= 0),
    customer_id TEXT REFERENCES customers (customer_id),
    merchant_reference TEXT,
    operator_id TEXT,
    -- LOCAL: made at this counter; SYNC: learnt from the core's change feed or a rescue import.
    origin TEXT NOT NULL CHECK (origin IN ('LOCAL', 'SYNC')),
    created_at TEXT NOT NULL,
    business_day TEXT NOT NULL CHECK (business_day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
  ) STRICT;
  CREATE INDEX orders_created ON orders (created_at);
  CREATE INDEX orders_day ON orders (business_day);
  CREATE INDEX orders_customer ON orders (customer_id);

  CREATE TABLE order_lines (
    order_id TEXT NOT NULL REFERENCES orders (order_id),
    line_no INTEGER NOT NULL CHECK (line_no >= 1),
    sku TEXT,
    description TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 200),
    quantity INTEGER NOT NULL CHECK (quantity >= 1),
    unit_price_minor INTEGER NOT NULL CHECK (unit_price_minor >= 0),
    tax_rate_bp INTEGER NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    line_total_minor INTEGER NOT NULL CHECK (line_total_minor = unit_price_minor * quantity),
    tax_minor INTEGER NOT NULL CHECK (tax_minor >= 0 AND tax_minor <= line_total_minor),
    PRIMARY KEY (order_id, line_no)
  ) STRICT;

  CREATE TABLE payments (
    payment_id TEXT PRIMARY KEY CHECK (length(payment_id) = 19 AND payment_id NOT GLOB '*[^0-9]*'),
    order_id TEXT NOT NULL REFERENCES orders (order_id),
    channel TEXT NOT NULL CHECK (channel IN ('IN_STORE', 'ONLINE', 'BACK_OFFICE')),
    method TEXT CHECK (method IS NULL OR method IN ('CARD', 'CASH')),
    -- 1 when this counter took the money (caps offline cash refunds).
    collected_here INTEGER NOT NULL CHECK (collected_here IN (0, 1)),
    card_brand TEXT,
    card_last4 TEXT CHECK (card_last4 IS NULL OR (length(card_last4) = 4 AND card_last4 NOT GLOB '*[^0-9]*')),
    card_token TEXT CHECK (card_token IS NULL OR length(card_token) <= 64),
    terminal_reference TEXT,
    authorisation_code TEXT,
    created_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX payments_order ON payments (order_id);
  CREATE INDEX payments_token ON payments (card_token) WHERE card_token IS NOT NULL;

  -- The shared ledger's operations (src-shared/ledger.ts); balances are derived from them, never stored.
  CREATE TABLE operations (
    operation_id TEXT PRIMARY KEY CHECK (length(operation_id) = 36),
    order_id TEXT NOT NULL REFERENCES orders (order_id),
    payment_id TEXT NOT NULL REFERENCES payments (payment_id),
    order_seq INTEGER NOT NULL CHECK (order_seq >= 1),
    kind TEXT NOT NULL CHECK (kind IN ('AUTHORISATION', 'SALE', 'DECLINE', 'CAPTURE', 'AUTHORISATION_REVERSAL',
      'CANCEL', 'REFUND', 'PAYOUT', 'CHARGEBACK', 'CHARGEBACK_REVERSAL', 'REBILL', 'TOKEN_CREATE', 'TOKEN_USE',
      'TOKEN_DELETE')),
    amount_minor INTEGER CHECK (amount_minor IS NULL OR amount_minor >= 0),
    -- How the money moved at this counter (refund channel reporting); NULL for operations from elsewhere.
    method TEXT CHECK (method IS NULL OR method IN ('CARD', 'CASH')),
    channel TEXT NOT NULL CHECK (channel IN ('IN_STORE', 'ONLINE', 'BACK_OFFICE')),
    body TEXT NOT NULL CHECK (json_valid(body)),
    origin TEXT NOT NULL CHECK (origin IN ('LOCAL', 'SYNC')),
    occurred_at TEXT NOT NULL,
    UNIQUE (order_id, order_seq)
  ) STRICT;
  CREATE INDEX operations_payment ON operations (payment_id);
  CREATE INDEX operations_day ON operations (occurred_at);

  -- A card transaction on the terminal, written before its first byte is sent.
  CREATE TABLE payment_attempts (
    attempt_id TEXT PRIMARY KEY CHECK (length(attempt_id) = 36),
    kind TEXT NOT NULL CHECK (kind IN ('PAYMENT', 'REVERSAL', 'REFUND')),
    order_id TEXT NOT NULL REFERENCES orders (order_id),
    payment_id TEXT NOT NULL CHECK (length(payment_id) = 19),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    state TEXT NOT NULL CHECK (state IN ('IN_FLIGHT', 'APPROVED', 'DECLINED', 'NOT_CHARGED', 'PARKED')),
    -- The terminal's last booked receipt before this command: NULL none, '?' unknown.
    baseline_receipt TEXT,
    -- What the use case needs to finish the job after recovery (deposit flags, tender split, reservation).
    intent TEXT NOT NULL CHECK (json_valid(intent)),
    result TEXT CHECK (result IS NULL OR json_valid(result)),
    error_code TEXT,
    operator_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;
  -- At most one card transaction is unresolved at a time: no new charge before the last one is known.
  CREATE UNIQUE INDEX one_unresolved_attempt ON payment_attempts ((1)) WHERE state IN ('IN_FLIGHT', 'PARKED');
  CREATE INDEX attempts_order ON payment_attempts (order_id);

  -- The offline queue (HOST-SYNC-CONTRACT.md): seq is SyncMessage.seq; message is exactly what is pushed.
  CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL UNIQUE CHECK (length(message_id) = 36),
    kind TEXT NOT NULL,
    order_id TEXT,
    message TEXT NOT NULL CHECK (json_valid(message)),
    state TEXT NOT NULL CHECK (state IN ('QUEUED', 'ACKNOWLEDGED', 'REJECTED')),
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error TEXT,
    result TEXT CHECK (result IS NULL OR json_valid(result)),
    created_at TEXT NOT NULL,
    acknowledged_at TEXT
  ) STRICT;
  CREATE INDEX outbox_queued ON outbox (seq) WHERE state = 'QUEUED';
  CREATE INDEX outbox_order ON outbox (order_id);

  CREATE TABLE sync_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    cursor INTEGER NOT NULL CHECK (cursor >= 0),
    last_sync_at TEXT
  ) STRICT;
  INSERT INTO sync_state (id, cursor, last_sync_at) VALUES (1, 0, NULL);

  -- A message the core rejected: a manager resolves it; the order is attached whole.
  CREATE TABLE sync_exceptions (
    exception_id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL UNIQUE REFERENCES outbox (message_id),
    order_id TEXT,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    order_snapshot TEXT CHECK (order_snapshot IS NULL OR json_valid(order_snapshot)),
    created_at TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by TEXT,
    resolution TEXT,
    CHECK ((resolved_at IS NULL) = (resolution IS NULL))
  ) STRICT;

  -- Append-only: the triggers refuse any change to a written row.
  CREATE TABLE audit_log (
    audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT,
    action TEXT NOT NULL CHECK (length(action) BETWEEN 1 AND 64),
    subject TEXT,
    details TEXT NOT NULL CHECK (json_valid(details))
  ) STRICT;
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

  CREATE TABLE cash_sessions (
    session_id TEXT PRIMARY KEY,
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    opened_at TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    closed_at TEXT,
    closed_by TEXT,
    counted_minor INTEGER CHECK (counted_minor IS NULL OR counted_minor >= 0),
    expected_minor INTEGER,
    difference_reason TEXT,
    approved_by TEXT,
    CHECK ((closed_at IS NULL) = (counted_minor IS NULL))
  ) STRICT;
  CREATE UNIQUE INDEX one_open_drawer ON cash_sessions ((1)) WHERE closed_at IS NULL;

  CREATE TABLE cash_movements (
    movement_id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES cash_sessions (session_id),
    direction TEXT NOT NULL CHECK (direction IN ('IN', 'OUT')),
    reason TEXT NOT NULL CHECK (reason IN ('FLOAT', 'SALE', 'REFUND', 'PAY_IN', 'PAY_OUT', 'SAFE_DROP')),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    order_id TEXT,
    note TEXT,
    operator_id TEXT,
    at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX cash_movements_session ON cash_movements (session_id);

  CREATE TABLE end_of_day_reports (
    report_id TEXT PRIMARY KEY,
    business_day TEXT NOT NULL,
    created_at TEXT NOT NULL,
    report TEXT NOT NULL CHECK (json_valid(report))
  ) STRICT;

  -- Refunds waiting for the core (offline refund claims) or a manager (cashier requests).
  CREATE TABLE refund_requests (
    request_id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    order_id TEXT NOT NULL REFERENCES orders (order_id),
    payment_id TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('CORE_CARD', 'TERMINAL_CARD', 'CASH')),
    reason TEXT NOT NULL CHECK (length(reason) >= 3),
    requested_by TEXT NOT NULL,
    approved_by TEXT,
    state TEXT NOT NULL CHECK (state IN ('AWAITING_APPROVAL', 'APPROVED', 'CLAIM_QUEUED', 'DONE', 'REJECTED')),
    message_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;
  `,
  // 2: messages taken over from another counter's rescue file (see rescue.ts).
  `
  ALTER TABLE outbox ADD COLUMN imported INTEGER NOT NULL DEFAULT 0 CHECK (imported IN (0, 1));
  `,
  // 3: the counter app (issue 10): line discounts, the open basket, checkout ids, the terminal's receipt text.
  `
  -- Off the line's gross (unit price × quantity); what the line charges is line_total_minor - discount_minor.
  ALTER TABLE order_lines ADD COLUMN discount_minor INTEGER NOT NULL DEFAULT 0 CHECK (discount_minor >= 0);

  -- The basket the cashier is building, kept here so a crash, a restart or a change of cashier keeps it.
  CREATE TABLE open_cart (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    lines TEXT NOT NULL CHECK (json_valid(lines)),
    updated_at TEXT NOT NULL
  ) STRICT;

  -- One row per checkout id the UI minted: a retry with the same id answers the first checkout's result.
  CREATE TABLE checkouts (
    checkout_id TEXT PRIMARY KEY CHECK (length(checkout_id) = 36),
    command TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    order_id TEXT NOT NULL CHECK (length(order_id) = 36),
    clears_cart INTEGER NOT NULL CHECK (clears_cart IN (0, 1)),
    answer TEXT CHECK (answer IS NULL OR json_valid(answer)),
    created_at TEXT NOT NULL,
    finished_at TEXT
  ) STRICT;
  CREATE INDEX checkouts_order ON checkouts (order_id);

  -- What the terminal printed through us for a card payment (masked card number only), for receipts.
  CREATE TABLE terminal_receipts (
    attempt_id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL,
    payment_id TEXT NOT NULL,
    lines TEXT NOT NULL CHECK (json_valid(lines)),
    created_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX terminal_receipts_order ON terminal_receipts (order_id);
  `,
  // 4: the counter app (issue 10): the item search folds case beyond ASCII ("ü" finds "Ü", "strasse" finds
  // "Straße"); the folded name is kept beside the name (catalogue.ts foldForSearch, also the SQL function
  // counter_fold every connection of this program has, db.ts). The open basket keeps its basket discount.
  `
  ALTER TABLE catalogue ADD COLUMN name_fold TEXT NOT NULL DEFAULT '';
  UPDATE catalogue SET name_fold = counter_fold(name);
  ALTER TABLE open_cart ADD COLUMN basket_discount TEXT CHECK (basket_discount IS NULL OR json_valid(basket_discount));
  -- The part of each line's discount that is its share of a discount on the whole basket (already in
  -- discount_minor): the receipt shows the line's own discount and the basket's apart.
  ALTER TABLE order_lines ADD COLUMN basket_discount_minor INTEGER NOT NULL DEFAULT 0
    CHECK (basket_discount_minor >= 0 AND basket_discount_minor <= discount_minor);
  `,
];
