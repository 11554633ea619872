/**
 * Schema version 1: the whole data model of the core, including what the terminal sync API and the
 * back-office API build on (docs/core.md "Internals for the sync and back-office API" explains each table).
 *
 * Rules the database itself enforces, so application code never has to read-then-write for money:
 * - money is BIGINT minor units with `amount_minor > 0`; one currency per order (operations carry it);
 * - operations are append-only (a trigger refuses UPDATE and DELETE);
 * - `(order_id, order_seq)` and `(payment_id, payment_seq)` are unique, so two writers that both read the
 *   same state of an order cannot both append (the second fails), on top of the order row lock;
 * - payment ids are unique 19-digit strings, terminal issuers unique and ≥ 1000;
 * - `(store_id, feed_pos)` is unique: the per-store change feed has exactly one row per position.
 */
export const SCHEMA_V1 = `
CREATE FUNCTION counter_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'P0001';
END
$$;

CREATE TABLE merchants (
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,40}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{8,64}$'),
  merchant_id text NOT NULL REFERENCES merchants (id),
  secret_ciphertext text NOT NULL,
  label text,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX api_keys_merchant ON api_keys (merchant_id);

CREATE TABLE stores (
  id uuid PRIMARY KEY,
  merchant_id text NOT NULL REFERENCES merchants (id),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  feed_head bigint NOT NULL DEFAULT 0 CHECK (feed_head >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (merchant_id, name)
);

CREATE SEQUENCE terminal_issuer_seq AS integer MINVALUE 1000 START 1000 MAXVALUE 999999 NO CYCLE;

CREATE TABLE terminals (
  id uuid PRIMARY KEY,
  merchant_id text NOT NULL REFERENCES merchants (id),
  store_id uuid NOT NULL REFERENCES stores (id),
  issuer integer NOT NULL UNIQUE CHECK (issuer BETWEEN 1000 AND 999999),
  key_id text NOT NULL UNIQUE CHECK (key_id ~ '^[A-Za-z0-9_-]{8,64}$'),
  secret_ciphertext text NOT NULL,
  label text,
  enrolled_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);
CREATE INDEX terminals_store ON terminals (store_id);

CREATE SEQUENCE core_payment_seq AS bigint MINVALUE 0 START 0 MAXVALUE 99999999999 NO CYCLE;

CREATE TABLE orders (
  id uuid PRIMARY KEY,
  merchant_id text NOT NULL REFERENCES merchants (id),
  store_id uuid REFERENCES stores (id),
  terminal_id uuid REFERENCES terminals (id),
  customer_ref text CHECK (length(customer_ref) BETWEEN 1 AND 100),
  channel text NOT NULL CHECK (channel IN ('IN_STORE', 'ONLINE', 'BACK_OFFICE')),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  total_minor bigint CHECK (total_minor > 0),
  merchant_reference text,
  op_count integer NOT NULL DEFAULT 0 CHECK (op_count >= 0),
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_merchant_recorded ON orders (merchant_id, recorded_at, id);
CREATE INDEX orders_store_recorded ON orders (store_id, recorded_at, id) WHERE store_id IS NOT NULL;
CREATE INDEX orders_customer ON orders (merchant_id, customer_ref) WHERE customer_ref IS NOT NULL;

CREATE TABLE payments (
  id text PRIMARY KEY CHECK (id ~ '^1[0-9]{18}$'),
  order_id uuid NOT NULL REFERENCES orders (id),
  merchant_id text NOT NULL REFERENCES merchants (id),
  channel text NOT NULL CHECK (channel IN ('IN_STORE', 'ONLINE', 'BACK_OFFICE')),
  terminal_id uuid REFERENCES terminals (id),
  outcome text NOT NULL CHECK (outcome IN ('RECORDED', 'UNKNOWN')),
  requested_mode text NOT NULL CHECK (requested_mode IN ('SALE', 'PRE_AUTHORIZATION', 'FINAL_AUTHORIZATION')),
  requested_amount_minor bigint NOT NULL CHECK (requested_amount_minor > 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  card_brand text,
  card_bin text CHECK (card_bin ~ '^[0-9]{6}$'),
  card_last4 text CHECK (card_last4 ~ '^[0-9]{4}$'),
  card_expiry text CHECK (card_expiry ~ '^[0-9]{4}$'),
  card_ref text,
  token_id text,
  card_on_file text CHECK (card_on_file IN ('first', 'subsequent')),
  cof_requestor text CHECK (cof_requestor IN ('cardholderInitiated', 'merchantInitiated')),
  payment_product_id integer,
  authorisation_code text,
  acquirer_reference text,
  merchant_reference text,
  initiated_by_payment_id text REFERENCES payments (id),
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_order ON payments (order_id, recorded_at);

CREATE TABLE operations (
  id uuid PRIMARY KEY,
  order_id uuid NOT NULL REFERENCES orders (id),
  payment_id text NOT NULL REFERENCES payments (id),
  merchant_id text NOT NULL REFERENCES merchants (id),
  order_seq integer NOT NULL CHECK (order_seq >= 1),
  payment_seq integer NOT NULL CHECK (payment_seq >= 0),
  kind text NOT NULL CHECK (kind IN ('AUTHORISATION', 'SALE', 'DECLINE', 'CAPTURE', 'AUTHORISATION_REVERSAL',
    'CANCEL', 'REFUND', 'PAYOUT', 'CHARGEBACK', 'CHARGEBACK_REVERSAL', 'REBILL', 'TOKEN_CREATE', 'TOKEN_USE',
    'TOKEN_DELETE')),
  amount_minor bigint CHECK (amount_minor > 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  auth_mode text CHECK (auth_mode IN ('PRE_AUTHORIZATION', 'FINAL_AUTHORIZATION')),
  is_final boolean,
  reason text,
  token_id text,
  channel text NOT NULL CHECK (channel IN ('IN_STORE', 'ONLINE', 'BACK_OFFICE')),
  terminal_id uuid REFERENCES terminals (id),
  store_id uuid REFERENCES stores (id),
  feed_pos bigint CHECK (feed_pos >= 1),
  merchant_reference text,
  operator_id text,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (order_id, order_seq),
  UNIQUE (payment_id, payment_seq),
  UNIQUE (store_id, feed_pos),
  CHECK ((amount_minor IS NOT NULL) = (kind NOT IN ('CANCEL', 'TOKEN_CREATE', 'TOKEN_USE', 'TOKEN_DELETE'))),
  CHECK ((auth_mode IS NOT NULL) = (kind = 'AUTHORISATION')),
  CHECK ((is_final IS NOT NULL) = (kind = 'CAPTURE')),
  CHECK ((reason IS NOT NULL) = (kind = 'DECLINE')),
  CHECK ((token_id IS NOT NULL) = (kind IN ('TOKEN_CREATE', 'TOKEN_USE', 'TOKEN_DELETE'))),
  CHECK ((payment_seq = 0) = (kind IN ('AUTHORISATION', 'SALE', 'DECLINE'))),
  CHECK ((store_id IS NULL) = (feed_pos IS NULL))
);
CREATE INDEX operations_merchant_recorded ON operations (merchant_id, recorded_at, id);
CREATE INDEX operations_payment ON operations (payment_id, payment_seq);
CREATE TRIGGER operations_append_only BEFORE UPDATE OR DELETE ON operations
  FOR EACH ROW EXECUTE FUNCTION counter_refuse_change();

CREATE TABLE tokens (
  merchant_id text NOT NULL REFERENCES merchants (id),
  id text NOT NULL CHECK (length(id) BETWEEN 1 AND 64),
  customer_ref text,
  card_ref text NOT NULL,
  card_brand text NOT NULL,
  card_bin text CHECK (card_bin ~ '^[0-9]{6}$'),
  card_last4 text NOT NULL CHECK (card_last4 ~ '^[0-9]{4}$'),
  card_expiry text NOT NULL CHECK (card_expiry ~ '^[0-9]{4}$'),
  cardholder_name text,
  payment_product_id integer,
  status text NOT NULL CHECK (status IN ('ACTIVE', 'DEACTIVATED', 'DELETED')),
  channel text NOT NULL CHECK (channel IN ('IN_STORE', 'ONLINE', 'BACK_OFFICE')),
  created_at timestamptz NOT NULL DEFAULT now(),
  status_changed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, id)
);
CREATE INDEX tokens_customer ON tokens (merchant_id, customer_ref) WHERE customer_ref IS NOT NULL;

CREATE TABLE token_events (
  id uuid PRIMARY KEY,
  merchant_id text NOT NULL,
  token_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('TOKEN_CREATE', 'TOKEN_USE', 'TOKEN_DELETE', 'TOKEN_DEACTIVATE')),
  channel text NOT NULL CHECK (channel IN ('IN_STORE', 'ONLINE', 'BACK_OFFICE')),
  payment_id text REFERENCES payments (id),
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (merchant_id, token_id) REFERENCES tokens (merchant_id, id)
);
CREATE INDEX token_events_token ON token_events (merchant_id, token_id, recorded_at);
CREATE TRIGGER token_events_append_only BEFORE UPDATE OR DELETE ON token_events
  FOR EACH ROW EXECUTE FUNCTION counter_refuse_change();

CREATE TABLE refund_locks (
  order_id uuid PRIMARY KEY REFERENCES orders (id),
  lock_id uuid NOT NULL UNIQUE,
  holder text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('IN_STORE', 'ONLINE', 'BACK_OFFICE')),
  purpose text NOT NULL CHECK (purpose IN ('REFUND', 'PAYOUT', 'RESERVATION')),
  payment_id text REFERENCES payments (id),
  amount_minor bigint CHECK (amount_minor > 0),
  acquired_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  CHECK (expires_at > acquired_at)
);

CREATE TABLE sync_messages (
  message_id uuid PRIMARY KEY,
  terminal_id uuid NOT NULL REFERENCES terminals (id),
  terminal_seq bigint,
  kind text NOT NULL,
  result text NOT NULL CHECK (result IN ('accepted', 'rejected')),
  error_code text,
  answer text,
  received_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((error_code IS NOT NULL) = (result = 'rejected'))
);
CREATE INDEX sync_messages_terminal ON sync_messages (terminal_id, received_at);

CREATE TABLE idempotence_keys (
  merchant_id text NOT NULL REFERENCES merchants (id),
  key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  request_hash text NOT NULL,
  state text NOT NULL CHECK (state IN ('IN_PROGRESS', 'DONE')),
  status_code integer,
  response_body text,
  first_request_at timestamptz NOT NULL,
  completed_at timestamptz,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (merchant_id, key),
  CHECK ((state = 'DONE') = (status_code IS NOT NULL))
);
CREATE INDEX idempotence_keys_expiry ON idempotence_keys (expires_at);
`;
