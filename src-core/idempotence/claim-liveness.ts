/**
 * Whose idempotence claim is alive. Each serving core process is an instance: a row in `core_instances`
 * whose heartbeat it writes every second (by the database clock, so every process judges alike). A claim
 * records its instance (`idempotence_keys.claimed_by`); an IN_PROGRESS claim whose instance has not beaten
 * for `DEAD_AFTER_MS` belongs to a dead process, and the same key may be claimed again at once instead of
 * after the 10-minute abandoned-claim period (idempotence.ts). On PGlite (one process per data directory) the
 * claims left at start-up are a previous run's, so they are freed then.
 *
 * A live process wrongly judged dead (stalled longer than DEAD_AFTER_MS) cannot make the acquirer move money
 * twice: its journal row can be written only while its very claim holds (`claim_id`, see `currentClaim` in
 * claims.ts and the journal's fenced insert), and a retry that took the key over resumes the journal row
 * if there is one.
 *
 * The instance is registered per database handle (`claimOwnerOf`), so the routes need not carry it; a handle
 * without one (tests, CLI commands) claims without an instance and falls back to the 10-minute period.
 */
import { hostname } from 'node:os';
import type { Db } from '../db/adapter';

/** How often an instance writes its heartbeat. */
export const HEARTBEAT_MS = 1_000;
/**
 * An instance silent this long is dead. Eight beats: a busy event loop or a slow statement does not make a
 * live process look dead, and a dead one's claims free within seconds.
 */
export const DEAD_AFTER_MS = 8_000;

export interface ClaimOwner {
  readonly instanceId: string;
  readonly deadAfterMs: number;
}

const owners = new WeakMap<Db, ClaimOwner>();

/** The running instance claims made through this database handle belong to (null: none, 10-minute rule). */
export function claimOwnerOf(db: Db): ClaimOwner | null {
  return owners.get(db) ?? null;
}

export interface CoreInstance extends ClaimOwner {
  /** Stops the heartbeat and deletes the instance row (after the server stopped answering). */
  stop(): Promise<void>;
}

export interface InstanceLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export async function startCoreInstance(
  db: Db,
  options: { instanceId: string; log: InstanceLog; heartbeatMs?: number; deadAfterMs?: number },
): Promise<CoreInstance> {
  const { instanceId, log } = options;
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  const deadAfterMs = options.deadAfterMs ?? DEAD_AFTER_MS;
  if (db.kind === 'pglite') {
    // One process per PGlite directory: whatever is still claimed was claimed by a run that is gone. A retry
    // of such a request resumes its journal row, if it wrote one.
    await db.query(`DELETE FROM idempotence_keys WHERE state = 'IN_PROGRESS'`);
    await db.query('DELETE FROM core_instances');
  } else {
    // Rows of instances long dead are only history.
    await db.query(
      `DELETE FROM core_instances WHERE heartbeat_at < statement_timestamp() - interval '1 day'`,
    );
  }
  const register = () =>
    db.query(
      `INSERT INTO core_instances (instance_id, pid, host) VALUES ($1, $2, $3)
       ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = statement_timestamp()`,
      [instanceId, process.pid, hostname()],
    );
  await register();
  let beating: Promise<unknown> | null = null;
  const beat = async () => {
    const rows = await db.query(
      'UPDATE core_instances SET heartbeat_at = statement_timestamp() WHERE instance_id = $1 RETURNING 1',
      [instanceId],
    );
    if (rows.length === 0) {
      log.error(
        { instanceId },
        'this core instance was removed as dead (no heartbeat for too long): re-registered; requests it was ' +
          'running may have been taken over by a retry',
      );
      await register();
    }
  };
  const timer = setInterval(() => {
    if (beating) return; // the previous beat is still waiting for the database
    beating = beat()
      .catch((e: unknown) => log.warn({ err: e, instanceId }, 'core instance heartbeat failed'))
      .finally(() => {
        beating = null;
      });
  }, heartbeatMs);
  timer.unref();
  const owner: ClaimOwner = { instanceId, deadAfterMs };
  owners.set(db, owner);
  return {
    ...owner,
    async stop() {
      clearInterval(timer);
      await beating;
      owners.delete(db);
      await db.query('DELETE FROM core_instances WHERE instance_id = $1', [instanceId]);
    },
  };
}
