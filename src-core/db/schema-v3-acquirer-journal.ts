/**
 * Schema version 3: the write-ahead acquirer journal, money exceptions, and the sandbox acquirer's own records.
 *
 * - `acquirer_journal`: one row per acquirer call that moves or reserves money, committed *before* the call
 *   (state PENDING) with everything needed to record the answer later: kind, merchant, order, payment,
 *   amount, mode, the card reference (never a PAN or CVV). Its `id` is the reference the acquirer receives
 *   and can be asked about. The answer is recorded in the ledger and the row closed (state DONE) in one
 *   transaction; a row the acquirer answered "unknown" waits in state UNKNOWN for reconciliation
 *   (src-core/journal/). No foreign keys to orders/payments: a new payment's order and payment rows are
 *   written only when the answer is recorded.
 * - `money_exceptions`: money that moved at the acquirer or at a card terminal but that the ledger refused to
 *   record; a manager settles each one (back office `…/exceptions`). `dedupe_key` makes recording one twice
 *   impossible (a journal row, or a terminal's operation id).
 * - `sandbox_acquirer_journal`: what the sandbox acquirer was asked and answered, by reference. It plays an
 *   external acquirer's own records (it lives in this database only for convenience; the core never reads
 *   it): a repeated reference gets the first answer, and `inquire` still knows after a core crash.
 */
export const SCHEMA_V3_ACQUIRER_JOURNAL = `
CREATE TABLE acquirer_journal (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('AUTHORISE', 'REBILL', 'CAPTURE', 'REVERSAL', 'CANCEL', 'REFUND', 'PAYOUT',
    'RELEASE')),
  merchant_id text NOT NULL REFERENCES merchants (id),
  order_id uuid NOT NULL,
  payment_id text NOT NULL CHECK (payment_id ~ '^1[0-9]{18}$'),
  amount_minor bigint CHECK (amount_minor > 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  mode text CHECK (mode IN ('SALE', 'PRE_AUTHORIZATION', 'FINAL_AUTHORIZATION')),
  card_ref text,
  request text NOT NULL,
  request_key text,
  request_hash text,
  state text NOT NULL CHECK (state IN ('PENDING', 'UNKNOWN', 'DONE')),
  result text CHECK (result IN ('APPROVED', 'DECLINED', 'NOT_RECEIVED', 'REFUSED', 'EXCEPTION')),
  answer text,
  error text,
  exception_id uuid,
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  created_at timestamptz NOT NULL DEFAULT statement_timestamp(),
  checked_at timestamptz,
  closed_at timestamptz,
  CHECK ((state = 'DONE') = (result IS NOT NULL)),
  CHECK ((state = 'DONE') = (closed_at IS NOT NULL)),
  CHECK ((result = 'EXCEPTION') = (exception_id IS NOT NULL)),
  CHECK ((amount_minor IS NULL) = (kind IN ('CANCEL', 'RELEASE'))),
  CHECK ((mode IS NOT NULL) = (kind IN ('AUTHORISE', 'REBILL'))),
  CHECK ((request_key IS NULL) = (request_hash IS NULL))
);
CREATE INDEX acquirer_journal_open ON acquirer_journal (created_at) WHERE state <> 'DONE';
CREATE INDEX acquirer_journal_open_order ON acquirer_journal (order_id) WHERE state <> 'DONE';
CREATE INDEX acquirer_journal_payment ON acquirer_journal (payment_id, created_at);
CREATE INDEX acquirer_journal_request ON acquirer_journal (merchant_id, request_key, created_at)
  WHERE request_key IS NOT NULL;

CREATE TABLE money_exceptions (
  id uuid PRIMARY KEY,
  merchant_id text NOT NULL REFERENCES merchants (id),
  dedupe_key text NOT NULL UNIQUE,
  source text NOT NULL CHECK (source IN ('ACQUIRER', 'TERMINAL')),
  kind text NOT NULL CHECK (kind IN ('AUTHORISE', 'REBILL', 'CAPTURE', 'REVERSAL', 'CANCEL', 'REFUND', 'PAYOUT',
    'RELEASE')),
  order_id uuid,
  payment_id text,
  amount_minor bigint CHECK (amount_minor > 0),
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  channel text NOT NULL CHECK (channel IN ('IN_STORE', 'ONLINE', 'BACK_OFFICE')),
  terminal_id uuid,
  journal_id uuid UNIQUE REFERENCES acquirer_journal (id),
  operation_id uuid,
  reason_code text NOT NULL,
  reason text NOT NULL,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT statement_timestamp(),
  resolved_at timestamptz,
  resolved_by text CHECK (length(resolved_by) BETWEEN 1 AND 100),
  resolution text CHECK (length(resolution) BETWEEN 1 AND 1000),
  CHECK ((resolved_at IS NULL) = (resolved_by IS NULL)),
  CHECK ((resolved_at IS NULL) = (resolution IS NULL))
);
CREATE INDEX money_exceptions_merchant ON money_exceptions (merchant_id, recorded_at, id);
CREATE INDEX money_exceptions_open ON money_exceptions (merchant_id, recorded_at, id) WHERE resolved_at IS NULL;

CREATE TABLE sandbox_acquirer_journal (
  reference text PRIMARY KEY CHECK (length(reference) BETWEEN 1 AND 100),
  kind text NOT NULL CHECK (kind IN ('AUTHORISE', 'CAPTURE', 'CANCEL', 'REFUND', 'PAYOUT')),
  payment_id text,
  amount_minor bigint,
  currency text,
  answer text NOT NULL,
  final boolean NOT NULL,
  received_at timestamptz NOT NULL DEFAULT statement_timestamp(),
  resolved_at timestamptz
);
CREATE INDEX sandbox_acquirer_journal_payment ON sandbox_acquirer_journal (payment_id, received_at);
`;
