/**
 * Sync under faults (issue 9): three counters, each with its own SQLite store and sync daemon, sell, refund
 * and move cash while a proxy between them and the core duplicates requests, cuts answers after the core
 * applied them, delays and replays requests out of order, and partitions the network. After healing, every
 * queue drains and the core holds exactly one effect per fact: no sale twice, no refund twice, none lost.
 * The harness (test/helpers/sync-faults.ts) is the bench's too (`npm run bench -- faults`, 10,000 operations).
 *
 * Runs on PostgreSQL when TEST_DATABASE_URL is set (real concurrency between duplicate requests), else PGlite.
 */
import { describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../../helpers/core-db';
import { runSyncUnderFaults } from '../../helpers/sync-faults';

const kind = TEST_DATABASE_URL ? 'postgres' : 'pglite';

describe(`sync under faults, 3 counters, on ${kind}`, () => {
  it('applies every fact exactly once in the core, and every queue drains after healing', async () => {
    const r = await runSyncUnderFaults({ salesPerCounter: 140, minFaultyRequests: 300 });

    // While partitioned the counters kept selling, and said they were offline with work queued.
    expect(r.partitioned).toMatchObject({ online: false, lastError: { code: 'CORE_UNREACHABLE' } });
    expect(r.partitioned!.queued).toBeGreaterThan(0);

    expect(r.operations).toBeGreaterThanOrEqual(1_000);
    for (const c of r.counters) {
      expect(c.status, JSON.stringify(c.status)).toMatchObject({
        queued: 0,
        openExceptions: 0,
        online: true,
      });
      expect(c.status.lastSyncAt).not.toBeNull();
      expect(c.messages).toEqual([{ result: 'accepted', n: c.queued }]);
      expect(c.core).toEqual(c.expected);
    }
    expect(r.appliedOnce).toBe(r.operations);

    // The faults really happened, and the counters really met answers for messages the core already had.
    expect(r.proxy.duplicated).toBeGreaterThan(10);
    expect(r.proxy.droppedResponses).toBeGreaterThan(10);
    expect(r.proxy.lateReplays).toBeGreaterThan(5);
    expect(r.proxy.partitions).toBe(1);
    expect(r.duplicatesAnswered).toBeGreaterThan(0);
    expect(r.unreachableSeen).toBe(true);
  }, 240_000);
});
