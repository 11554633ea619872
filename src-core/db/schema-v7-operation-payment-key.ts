/**
 * Schema version 7: an operation is checked against its payment with one key. v1 gave `operations` three
 * foreign keys (order, payment, merchant), each a lookup on every appended operation (~180 µs of the
 * recording statement's ~640 µs, docs/core.md "What a refund can cost at best"). One composite key to the
 * payment checks once, and more strictly: the operation's order and merchant must be its payment's (the
 * payment's own keys keep the order and the merchant existing). Validating it reads every operation once,
 * when the migration runs.
 */
export const SCHEMA_V7_OPERATION_PAYMENT_KEY = `
ALTER TABLE payments ADD CONSTRAINT payments_id_order_merchant_key UNIQUE (id, order_id, merchant_id);
ALTER TABLE operations ADD CONSTRAINT operations_payment_order_merchant_fkey
  FOREIGN KEY (payment_id, order_id, merchant_id) REFERENCES payments (id, order_id, merchant_id);
ALTER TABLE operations DROP CONSTRAINT operations_order_id_fkey,
  DROP CONSTRAINT operations_payment_id_fkey,
  DROP CONSTRAINT operations_merchant_id_fkey;
`;
