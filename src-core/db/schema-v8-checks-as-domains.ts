/**
 * Schema version 8: the one-column rules of the money tables as domains, the same rules, checked more cheaply.
 *
 * PostgreSQL re-reads a table's CHECK constraints from their stored text on every statement that writes the
 * table (per statement, not per connection: parse, plan and compile each one); at refund saturation that was
 * 6.6 % of the machine's CPU. A domain's check is compiled once per connection (the type cache) and run per
 * value, so the 39 one-column checks of `orders`, `operations`, `payments`, `acquirer_journal` and
 * `refund_locks` move into domains: about 2 % of the machine back, net (docs/core.md "Checks as domains"), and
 * each rule named once instead of copied per table. Each rule keeps its wording; a value that breaks it is
 * refused as before (SQLSTATE 23514), naming the domain instead of the table's constraint. The rules that tie
 * two columns together (a capture has `is_final`, a DONE row has its result, …) stay table checks.
 *
 * Changing a column's type rewrites its table and indexes once, when the migration runs.
 */
/** [table, column, domain, the table's constraint it replaces]. */
export const CHECKED_COLUMNS: readonly (readonly [string, string, string, string])[] = [
  ['orders', 'total_minor', 'money_minor', 'orders_total_minor_check'],
  ['orders', 'channel', 'sales_channel', 'orders_channel_check'],
  ['orders', 'currency', 'currency_code', 'orders_currency_check'],
  ['orders', 'op_count', 'count_from_zero', 'orders_op_count_check'],
  ['orders', 'summary_op_count', 'count_from_zero', 'orders_summary_op_count_check'],
  ['orders', 'refundable_minor', 'money_minor_or_zero', 'orders_refundable_minor_check'],
  ['orders', 'collected_minor', 'money_minor_or_zero', 'orders_collected_minor_check'],
  ['orders', 'authorised_minor', 'money_minor_or_zero', 'orders_authorised_minor_check'],
  ['orders', 'status', 'order_status', 'orders_status_check'],
  ['payments', 'id', 'payment_number', 'payments_id_check'],
  ['payments', 'channel', 'sales_channel', 'payments_channel_check'],
  ['payments', 'currency', 'currency_code', 'payments_currency_check'],
  ['payments', 'requested_amount_minor', 'money_minor', 'payments_requested_amount_minor_check'],
  ['payments', 'requested_mode', 'authorisation_mode', 'payments_requested_mode_check'],
  ['payments', 'card_bin', 'six_digits', 'payments_card_bin_check'],
  ['payments', 'card_last4', 'four_digits', 'payments_card_last4_check'],
  ['payments', 'card_expiry', 'four_digits', 'payments_card_expiry_check'],
  ['payments', 'card_on_file', 'card_on_file_use', 'payments_card_on_file_check'],
  ['payments', 'cof_requestor', 'cof_initiator', 'payments_cof_requestor_check'],
  ['payments', 'outcome', 'payment_outcome', 'payments_outcome_check'],
  ['operations', 'kind', 'operation_kind', 'operations_kind_check'],
  ['operations', 'amount_minor', 'money_minor', 'operations_amount_minor_check'],
  ['operations', 'currency', 'currency_code', 'operations_currency_check'],
  ['operations', 'channel', 'sales_channel', 'operations_channel_check'],
  ['operations', 'auth_mode', 'pre_or_final', 'operations_auth_mode_check'],
  ['operations', 'order_seq', 'count_from_one', 'operations_order_seq_check'],
  ['operations', 'payment_seq', 'count_from_zero', 'operations_payment_seq_check'],
  ['operations', 'feed_pos', 'feed_position', 'operations_feed_pos_check'],
  ['acquirer_journal', 'kind', 'journal_kind', 'acquirer_journal_kind_check'],
  ['acquirer_journal', 'payment_id', 'payment_number', 'acquirer_journal_payment_id_check'],
  ['acquirer_journal', 'amount_minor', 'money_minor', 'acquirer_journal_amount_minor_check'],
  ['acquirer_journal', 'currency', 'currency_code', 'acquirer_journal_currency_check'],
  ['acquirer_journal', 'mode', 'authorisation_mode', 'acquirer_journal_mode_check'],
  ['acquirer_journal', 'state', 'journal_state', 'acquirer_journal_state_check'],
  ['acquirer_journal', 'result', 'journal_result', 'acquirer_journal_result_check'],
  ['acquirer_journal', 'attempts', 'count_from_zero', 'acquirer_journal_attempts_check'],
  ['refund_locks', 'amount_minor', 'money_minor', 'refund_locks_amount_minor_check'],
  ['refund_locks', 'channel', 'sales_channel', 'refund_locks_channel_check'],
  ['refund_locks', 'purpose', 'lock_purpose', 'refund_locks_purpose_check'],
];

const DOMAINS = `
CREATE DOMAIN money_minor AS bigint CHECK (VALUE > 0);
CREATE DOMAIN money_minor_or_zero AS bigint CHECK (VALUE >= 0);
CREATE DOMAIN count_from_zero AS integer CHECK (VALUE >= 0);
CREATE DOMAIN count_from_one AS integer CHECK (VALUE >= 1);
CREATE DOMAIN feed_position AS bigint CHECK (VALUE >= 1);
CREATE DOMAIN currency_code AS text CHECK (VALUE ~ '^[A-Z]{3}$');
CREATE DOMAIN payment_number AS text CHECK (VALUE ~ '^1[0-9]{18}$');
CREATE DOMAIN six_digits AS text CHECK (VALUE ~ '^[0-9]{6}$');
CREATE DOMAIN four_digits AS text CHECK (VALUE ~ '^[0-9]{4}$');
CREATE DOMAIN sales_channel AS text CHECK (VALUE IN ('IN_STORE', 'ONLINE', 'BACK_OFFICE'));
CREATE DOMAIN authorisation_mode AS text CHECK (VALUE IN ('SALE', 'PRE_AUTHORIZATION', 'FINAL_AUTHORIZATION'));
CREATE DOMAIN pre_or_final AS text CHECK (VALUE IN ('PRE_AUTHORIZATION', 'FINAL_AUTHORIZATION'));
CREATE DOMAIN card_on_file_use AS text CHECK (VALUE IN ('first', 'subsequent'));
CREATE DOMAIN cof_initiator AS text CHECK (VALUE IN ('cardholderInitiated', 'merchantInitiated'));
CREATE DOMAIN payment_outcome AS text CHECK (VALUE IN ('RECORDED', 'UNKNOWN'));
CREATE DOMAIN order_status AS text CHECK (VALUE IN ('PENDING', 'DECLINED', 'AUTHORISED', 'PARTIALLY_PAID', 'PAID',
  'PARTIALLY_REFUNDED', 'REFUNDED', 'CHARGEBACKED', 'CANCELLED'));
CREATE DOMAIN operation_kind AS text CHECK (VALUE IN ('AUTHORISATION', 'SALE', 'DECLINE', 'CAPTURE',
  'AUTHORISATION_REVERSAL', 'CANCEL', 'REFUND', 'PAYOUT', 'CHARGEBACK', 'CHARGEBACK_REVERSAL', 'REBILL',
  'TOKEN_CREATE', 'TOKEN_USE', 'TOKEN_DELETE'));
CREATE DOMAIN journal_kind AS text CHECK (VALUE IN ('AUTHORISE', 'REBILL', 'CAPTURE', 'REVERSAL', 'CANCEL', 'REFUND',
  'PAYOUT', 'RELEASE'));
CREATE DOMAIN journal_state AS text CHECK (VALUE IN ('PENDING', 'UNKNOWN', 'DONE'));
CREATE DOMAIN journal_result AS text CHECK (VALUE IN ('APPROVED', 'DECLINED', 'NOT_RECEIVED', 'REFUSED', 'EXCEPTION'));
CREATE DOMAIN lock_purpose AS text CHECK (VALUE IN ('REFUND', 'PAYOUT', 'RESERVATION'));
`;

function alterTables(): string {
  const tables = [...new Set(CHECKED_COLUMNS.map(([table]) => table))];
  return tables
    .map((table) => {
      const columns = CHECKED_COLUMNS.filter(([t]) => t === table);
      const drops = columns.map(([, , , check]) => `DROP CONSTRAINT ${check}`);
      const types = columns.map(([, column, domain]) => `ALTER COLUMN ${column} TYPE ${domain}`);
      return `ALTER TABLE ${table}\n  ${[...drops, ...types].join(',\n  ')};`;
    })
    .join('\n');
}

export const SCHEMA_V8_CHECKS_AS_DOMAINS = `${DOMAINS}${alterTables()}\n`;
