/**
 * Schema version 6: one index per key. `operations_payment (payment_id, payment_seq)` (v1) indexed exactly
 * what the unique constraint `UNIQUE (payment_id, payment_seq)` indexes already; every appended operation
 * paid for both. The constraint's index serves every lookup the other did.
 */
export const SCHEMA_V6_ONE_INDEX_PER_KEY = `
DROP INDEX IF EXISTS operations_payment;
`;
