/**
 * The reconciler loop: resolves the acquirer journal's open rows (UNKNOWN ones, and PENDING ones older than
 * the grace period) by asking the acquirer about their reference and recording the answer exactly once
 * (journal.ts). The composition root runs it at start-up and then every `intervalMs`; a payment read while
 * its outcome is unknown is reconciled on the spot (online API), and `npm run core -- reconcile` runs it once.
 * Any number of core processes may run it at the same time: the database decides who records each row.
 */
import type { AcquirerJournal, JournalLog, ReconcileReport } from './journal';

export const DEFAULT_RECONCILE_INTERVAL_MS = 30_000;

export interface Reconciler {
  /** One pass now (waits for a pass already running instead of starting a second one). */
  runNow(): Promise<ReconcileReport | null>;
  /** Stops the timer and waits for a pass in progress. */
  stop(): Promise<void>;
}

export function startReconciler(
  journal: AcquirerJournal,
  options: { intervalMs?: number; log: JournalLog },
): Reconciler {
  const { log } = options;
  let running: Promise<ReconcileReport | null> | null = null;
  let stopped = false;
  const pass = (): Promise<ReconcileReport | null> => {
    if (running) return running;
    running = journal
      .reconcileDue()
      .then((report) => {
        if (report.checked > 0) log.info({ ...report }, 'reconciliation pass');
        return report;
      })
      .catch((e: unknown) => {
        log.error({ err: e }, 'reconciliation pass failed; the next one tries again');
        return null;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  void pass();
  const timer = setInterval(() => {
    if (!stopped) void pass();
  }, options.intervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS);
  timer.unref();
  return {
    runNow: pass,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
