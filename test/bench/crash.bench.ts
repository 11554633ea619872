/**
 * Crash test at bench size (issue 9: "≥ 200 in CI; 1,000 in the bench"), the same harness as
 * test/integration/host/crash.test.ts (test/helpers/crash-harness.ts): the card-selling host SIGKILLed
 * BENCH_CRASH_KILLS times (default 1,000) at random moments over a real pty, then the syncing host
 * BENCH_SYNC_CRASH_KILLS times (default 200, no time budget) aimed at pushes and pulls against a real core
 * (PostgreSQL when TEST_DATABASE_URL or DATABASE_URL is set, else PGlite). Each correctness count is printed
 * beside its limit of 0 (a count above it makes the bench exit non-zero); kills, start time and duration
 * beside what they are compared with.
 */
import type { BenchFigure } from '../../scripts/bench';
import { bundleCrashChild, removeCrashChild, runCheckoutCrash, runSyncCrash } from '../helpers/crash-harness';

const KILLS = Number(process.env.BENCH_CRASH_KILLS ?? 1_000);
const SYNC_KILLS = Number(process.env.BENCH_SYNC_CRASH_KILLS ?? 200);

/** How many of `a` and `b` (sorted lists) are not matched one to one. */
function unmatched(
  a: readonly string[] | readonly number[],
  b: readonly string[] | readonly number[],
): number {
  const left = new Map<string, number>();
  for (const x of a) left.set(String(x), (left.get(String(x)) ?? 0) + 1);
  let extra = 0;
  for (const x of b) {
    const n = left.get(String(x)) ?? 0;
    if (n > 0) left.set(String(x), n - 1);
    else extra++;
  }
  return extra + [...left.values()].reduce((s, n) => s + n, 0);
}

const zero = (name: string, value: number, unit: string, label: string): BenchFigure => ({
  name,
  value,
  unit,
  limit: 0,
  limitLabel: label,
});

export default async function crashBench(): Promise<BenchFigure[]> {
  const url = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (url && !process.env.TEST_DATABASE_URL) process.env.TEST_DATABASE_URL = url;
  bundleCrashChild();
  try {
    const c = await runCheckoutCrash(KILLS);
    const figures: BenchFigure[] = [
      {
        name: 'checkout crash: SIGKILLs during card checkouts',
        value: c.kills,
        unit: 'kills',
        limit: 1_000,
        limitLabel: "issue 9's bench figure (CI runs 200)",
      },
      zero(
        'checkout crash: acknowledged sales lost',
        c.lost.length,
        'sales',
        `of ${c.acknowledged} acknowledged`,
      ),
      zero(
        'checkout crash: checkouts charged twice',
        c.chargedTwice.length,
        'orders',
        `of ${c.paidOrders} paid orders`,
      ),
      zero(
        'checkout crash: terminal bookings not recorded exactly once',
        unmatched(c.booked, c.recorded),
        'bookings',
        `of ${c.booked.length} bookings in the virtual terminal's journal`,
      ),
      zero(
        'checkout crash: card attempts left in doubt',
        c.unresolved === null ? 0 : 1,
        'attempts',
        'after the last restart',
      ),
      zero(
        'checkout crash: integrity_check failures',
        c.integrity === 'ok' ? 0 : 1,
        'checks',
        `integrity_check: ${c.integrity}`,
      ),
      zero(
        'checkout crash: card numbers in files',
        c.cardNumbers.length,
        'found',
        "database, WAL, hosts' output",
      ),
      {
        name: 'checkout crash: host start to ready (recovery included)',
        value: c.startMs,
        unit: 'ms',
        limit: 1_500,
        limitLabel: `average over ${c.kills + 1} starts; issue 9's start goal`,
      },
      {
        name: 'checkout crash: duration',
        value: c.seconds,
        unit: 's',
        limit: null,
        limitLabel: `${(c.seconds / (c.kills + 1)).toFixed(2)} s per kill and restart`,
      },
    ];
    const s = await runSyncCrash({ kills: SYNC_KILLS, budgetMs: 0, minKills: SYNC_KILLS });
    const appliedOnce = s.queued.length - unmatched(s.queued, s.applied) - s.notAccepted.length;
    figures.push(
      {
        name: `sync crash (${s.kind}): SIGKILLs during push and pull`,
        value: s.kills,
        unit: 'kills',
        limit: SYNC_KILLS,
        limitLabel: `${s.interrupted.push} push in flight, ${s.interrupted.pushAnswered} answered, ${s.interrupted.pull} pull, ${s.interrupted.other} selling`,
      },
      {
        name: 'sync crash: messages applied exactly once by the core',
        value: appliedOnce,
        unit: 'msgs',
        limit: s.queued.length,
        limitLabel: `every message queued; ${s.duplicatesAnswered} resends answered duplicate`,
      },
      zero(
        'sync crash: acknowledged sales lost',
        s.lostSales.length,
        'sales',
        `of ${s.acknowledgedSales} acknowledged`,
      ),
      zero(
        'sync crash: sales charged twice in the core',
        s.duplicatedSales.length,
        'orders',
        'orders with two SALEs',
      ),
      zero(
        'sync crash: cash refunds lost or twice',
        s.lostRefunds.length + s.duplicatedRefunds,
        'refunds',
        `of ${s.acknowledgedRefunds} acknowledged`,
      ),
      zero(
        "sync crash: counter's ledger ≠ core's",
        unmatched(s.counterOps, s.coreOps),
        'ops',
        `${s.coreOps.length} operations of the store; ${s.pulled} pulled`,
      ),
      zero(
        'sync crash: left queued or open exceptions after drain',
        s.status.queued + s.status.openExceptions,
        'msgs',
        s.drained ?? 'no drain line',
      ),
      zero(
        'sync crash: integrity_check failures',
        s.integrity === 'ok' ? 0 : 1,
        'checks',
        `integrity_check: ${s.integrity}`,
      ),
      zero(
        'sync crash: card numbers in files',
        s.cardNumbers.length,
        'found',
        "database, hosts' output, core log",
      ),
      {
        name: 'sync crash: host start to ready',
        value: s.startMs,
        unit: 'ms',
        limit: 1_500,
        limitLabel: `average over ${s.kills} starts; issue 9's start goal`,
      },
      {
        name: 'sync crash: duration',
        value: s.seconds,
        unit: 's',
        limit: null,
        limitLabel: 'kills, restarts and the final drain',
      },
    );
    return figures;
  } finally {
    removeCrashChild();
  }
}
