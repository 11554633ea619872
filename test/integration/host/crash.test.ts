/**
 * Crash test (issue 9): a host child process is SIGKILLed at random points during card checkouts, then
 * restarted on the same data directory and the same virtual terminal (over a real pty). At the end: every
 * sale the host acknowledged is in the database, no checkout was charged twice (compared with the virtual
 * terminal's journal), every terminal booking is recorded exactly once, and SQLite's integrity check is ok.
 * The harness (test/helpers/crash-harness.ts) is the bench's too (`npm run bench -- crash`, 1,000 kills).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundleCrashChild,
  removeCrashChild,
  runCheckoutCrash,
  runSyncCrash,
} from '../../helpers/crash-harness';

// Issue 9: at least 200 kills in CI (HOST_CRASH_ITERATIONS for more; the bench runs 1,000).
const ITERATIONS = Number(process.env.HOST_CRASH_ITERATIONS ?? 200);

beforeAll(bundleCrashChild);
afterAll(removeCrashChild);

describe('host crash test', () => {
  it(
    `loses no acknowledged sale and charges no checkout twice across ${ITERATIONS} SIGKILLs`,
    async () => {
      const r = await runCheckoutCrash(ITERATIONS);
      expect(r.integrity).toBe('ok');
      expect(r.unresolved).toBeNull();
      // 0 acknowledged sales lost.
      expect(r.lost).toEqual([]);
      // Every booking on the terminal is recorded exactly once, and no order collected more than its total.
      expect(r.recorded).toEqual(r.booked);
      expect(r.chargedTwice).toEqual([]);
      console.log(
        `crash test: ${r.kills} kills in ${r.seconds.toFixed(1)} s, ${r.acknowledged} acknowledged sales, ${r.booked.length} terminal bookings, ${r.paidOrders} paid orders, 0 double charges`,
      );
      expect(r.booked.length).toBeGreaterThan(0);
      expect(r.acknowledged).toBeGreaterThan(0);
      // No full card number in the database, its WAL or what the hosts wrote.
      expect(r.cardNumbers).toEqual([]);
    },
    Math.max(240_000, ITERATIONS * 3_000),
  );
});

// Kills while the daemon pushes and pulls against a real core. Each costs a host start (0.3 s on a quiet
// machine, 0.8-3 s on the shared 2-core one at load 20), so 30 kills within a 40 s budget keep the CI time
// this adds under a minute; HOST_SYNC_CRASH_ITERATIONS=500 HOST_SYNC_CRASH_BUDGET_SECONDS=0 for a long run.
const SYNC_ITERATIONS = Number(process.env.HOST_SYNC_CRASH_ITERATIONS ?? 30);
// On a loaded machine a start takes seconds: past this many seconds of kills (and at least 10 kills) the
// test stops killing, so its CI time stays bounded; the count run is printed. 0 = no limit.
const SYNC_BUDGET_MS = Number(process.env.HOST_SYNC_CRASH_BUDGET_SECONDS ?? 40) * 1_000;

describe('host crash test during sync', () => {
  it(
    `every acknowledged sale reaches the core exactly once across up to ${SYNC_ITERATIONS} SIGKILLs during push and pull`,
    async () => {
      const r = await runSyncCrash({
        kills: SYNC_ITERATIONS,
        budgetMs: SYNC_BUDGET_MS,
        minKills: Math.min(10, SYNC_ITERATIONS),
      });
      expect(r.drained).toMatch(/^DRAINED /);
      expect(r.integrity).toBe('ok');
      // The queue drained: every message acknowledged by the core, none refused, no exception.
      expect(r.outboxStates).toEqual([{ state: 'ACKNOWLEDGED', n: expect.any(Number) }]);
      expect(r.status).toMatchObject({ queued: 0, openExceptions: 0 });
      // Every message this counter queued was applied by the core exactly once, under its own id.
      expect(r.applied).toEqual(r.queued);
      expect(r.notAccepted).toEqual([]);
      // Every acknowledged sale is in the core once: one order, one payment, one SALE of its amount.
      expect(r.lostSales).toEqual([]);
      expect(r.duplicatedSales).toEqual([]);
      // Every acknowledged cash refund is in the core, once.
      expect(r.lostRefunds).toEqual([]);
      expect(r.duplicatedRefunds).toBe(0);
      // The counter's ledger mirrors the core's for the whole store: its own operations pushed, every
      // other channel's pulled, each exactly once.
      expect(r.counterOps).toEqual(r.coreOps);
      expect(r.pulled).toBe(r.otherChannelOps);
      console.log(
        `sync crash test (${r.kind}): ${r.kills} kills in ${r.seconds.toFixed(1)} s ` +
          `(host start to ready ${r.startMs.toFixed(0)} ms on average) — ` +
          `interrupted: ${r.interrupted.push} push in flight, ${r.interrupted.pushAnswered} push answered (being recorded), ` +
          `${r.interrupted.pull} pull, ${r.interrupted.other} selling; ${r.acknowledgedSales} acknowledged sales, ` +
          `${r.acknowledgedRefunds} cash refunds, ${r.queued.length} messages applied once each, ` +
          `${r.duplicatesAnswered} resends answered duplicate, ${r.pulled} operations pulled, 0 lost, 0 duplicated`,
      );
      expect(r.acknowledgedSales).toBeGreaterThan(0);
      // No card number in the counter's database, the hosts' output or the core's log.
      expect(r.cardNumbers).toEqual([]);
      expect(r.interrupted.push + r.interrupted.pushAnswered).toBeGreaterThan(0);
    },
    Math.max(240_000, SYNC_ITERATIONS * 4_000),
  );
});
