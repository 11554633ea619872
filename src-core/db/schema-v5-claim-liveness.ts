/**
 * Schema version 5: whose idempotence claim is alive (src-core/idempotence/claim-liveness.ts).
 *
 * - `core_instances`: one row per running core process, its heartbeat written every second by the database
 *   clock. A process whose heartbeat is older than the dead-after period is dead, and its claims are free.
 * - `idempotence_keys.claimed_by`: the instance that claimed an IN_PROGRESS key (NULL for claims written
 *   before v5 or by a caller without an instance: those fall back to the 10-minute abandoned-claim period);
 *   `claim_id` names the claim itself, so the journal row of the request can be written only while that very
 *   claim holds (a claim taken over from a process wrongly judged dead cannot call the acquirer twice).
 * - `refund_locks.instance_id`: the instance holding a refund or payout lock for a request it runs (NULL for
 *   a counter reservation, which a terminal holds, not a process): a dead instance's lock is free at once,
 *   unless the refund has an open journal row (then its outcome is unknown and the lock stays).
 */
export const SCHEMA_V5_CLAIM_LIVENESS = `
CREATE TABLE core_instances (
  instance_id uuid PRIMARY KEY,
  pid integer NOT NULL,
  host text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT statement_timestamp(),
  heartbeat_at timestamptz NOT NULL DEFAULT statement_timestamp()
);
ALTER TABLE idempotence_keys ADD COLUMN claimed_by uuid;
ALTER TABLE idempotence_keys ADD COLUMN claim_id uuid;
ALTER TABLE refund_locks ADD COLUMN instance_id uuid;
`;
