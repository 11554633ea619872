/**
 * The host as a separate process for the crash test: it recovers whatever the previous (killed) process
 * left in doubt, then sells by card in a loop — finishing an unpaid checkout first, as a cashier pressing
 * Pay again would — and prints `ACK <orderId> <paymentId> <amountMinor>` only after the sale is committed
 * (what the cashier would see as done). The parent kills it with SIGKILL at random moments.
 *
 * Sync modes (no card terminal): the host is enrolled with a real core (settings + COUNTER_TERMINAL_SECRET)
 * and its sync daemon pushes and pulls while it sells in cash and now and then refunds cash; `sync-drain`
 * only syncs until the queue is empty. Every request to the core is announced on stdout before it is sent
 * (`> push`, `> pull`) and after its answer arrived (`< push <duplicates>`, `< pull`), so the parent knows
 * what each kill interrupted (stdout is a pipe: written synchronously on Linux).
 *
 * argv: dataDir ptyPath(- in sync modes) mode(sell|recover-only|sync-sell|sync-drain) seed
 */
import { openDrawer } from '../../../src-main/checkout/cash-drawer';
import { executeRefund, refundableOf } from '../../../src-main/checkout/refunds';
import { createLocalOrder, balanceDueMinor, checkoutSale, payCard } from '../../../src-main/checkout/sale';
import { recoverUnresolvedAttempt } from '../../../src-main/checkout/terminal-attempts';
import { createHost, type Host } from '../../../src-main/host/compose';
import { COUNTER_SETTING } from '../../../src-main/checkout/counter-settings';
import { currentCashSession, searchOrders, setSetting, syncStatus } from '../../../src-main/store';
import { serialConnector } from '../../../src-main/zvt/transport/connect';

const [dataDir = '', ptyPath = '', mode = 'sell', seedText = '1'] = process.argv.slice(2);
let seed = Number(seedText) || 1;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const say = (line: string) => process.stdout.write(`${line}\n`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Announces every request to the core and its answer (with the duplicates a push was answered). */
function announceCoreRequests(): void {
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const what = url.includes('/sync/v1/push') ? 'push' : url.includes('/sync/v1/changes') ? 'pull' : 'other';
    say(`> ${what}`);
    const res = await realFetch(input, init);
    const text = await res.clone().text();
    say(`< ${what} ${what === 'push' ? (text.match(/"status":"duplicate"/g) ?? []).length : 0}`);
    return res;
  };
}

async function syncMode(): Promise<number> {
  announceCoreRequests();
  const host = createHost({
    dataDir,
    // Never connected: these modes take no card.
    connector: serialConnector({ path: '/nonexistent/crash-test' }),
    sync: 'settings',
  });
  if (!host.ok) {
    say(`ERR ${host.error.code} ${host.error.message}`);
    return 2;
  }
  const { deps, sync } = host.value as Host;
  if (!sync) {
    say('ERR HOST_NOT_WIRED no core in the settings');
    return 2;
  }
  sync.daemon.start();
  say('READY -');
  if (mode === 'sync-drain') {
    for (let i = 0; i < 100; i++) {
      const report = await sync.daemon.syncNow();
      const status = syncStatus(deps.db, new Date());
      if (report.error === null && status.queued === 0) {
        say(`DRAINED ${report.accepted} ${report.duplicates} ${report.pulledChanges}`);
        await host.value.close();
        return 0;
      }
      await sleep(200);
    }
    say('ERR SYNC_NOT_DRAINED the queue did not drain in 100 cycles');
    return 4;
  }
  if (!currentCashSession(deps.db)) {
    const opened = openDrawer(deps, { floatMinor: 10_000, operatorId: 'crash' });
    if (!opened.ok) throw new Error(opened.error.message);
  }
  const sold: { orderId: string; paymentId: string }[] = [];
  for (let n = 0; ; n++) {
    const amount = 100 + Math.floor(random() * 9900);
    const r = await checkoutSale(deps, {
      entries: [{ kind: 'free', description: 'Crash test item', amountMinor: amount, taxRateBp: 1900 }],
      tenders: [{ method: 'CASH', tenderedMinor: amount }],
      operatorId: 'crash',
    });
    if (!r.ok) throw new Error(r.error.message);
    const paymentId = r.value.tenders[0]!.paymentId!;
    say(`ACK ${r.value.orderId} ${paymentId} ${amount}`);
    sold.push({ orderId: String(r.value.orderId), paymentId });
    if (n % 4 === 3) {
      // A manager gives part of an earlier sale back in cash: paid out now, queued for the core.
      // Once per order, at least 0.02 and leaving at least 0.01: never a repeat of the web shop's 0.01
      // refund (the core's double-refund rule), never more than the core has left.
      const pick = sold.splice(Math.floor(random() * sold.length), 1)[0]!;
      const view = refundableOf(deps, pick.orderId);
      const left = view.ok
        ? (view.value.payments.find((p) => p.paymentId === pick.paymentId)?.refundableMinor ?? 0)
        : 0;
      if (left > 2) {
        const part = 2 + Math.floor(random() * Math.min(left - 2, 2_000));
        const refund = await executeRefund(
          deps,
          {
            paymentId: pick.paymentId,
            amountMinor: part,
            method: 'CASH',
            reason: 'crash test',
            operatorId: 'crash',
          },
          { manager: { managerId: 'manager', managerPin: '9999' } },
        );
        if (!refund.ok) throw new Error(refund.error.message);
        if (refund.value.state === 'DONE') say(`ACKR ${pick.orderId} ${pick.paymentId} ${part}`);
      }
    }
    // The cashier's pace: the daemon pushes and pulls between sales.
    await sleep(20 + Math.floor(random() * 60));
  }
}

async function main(): Promise<number> {
  if (mode.startsWith('sync')) return syncMode();
  const host = createHost({
    dataDir,
    connector: serialConnector({ path: ptyPath }, { t1Ms: 200, t2Ms: 400, maxRepeats: 2 }),
    sessionTimers: { t3Ms: 1_000, t4Ms: 3_000, recoveryAttempts: 6, recoveryDelayMs: 150 },
  });
  if (!host.ok) {
    say(`ERR ${host.error.code} ${host.error.message}`);
    return 2;
  }
  const { deps } = host.value;
  // Not enrolled with a core, so offline: this test is about crashes, not the offline card policy's limits.
  setSetting(deps.db, COUNTER_SETTING.offline, {
    perPaymentMaxMinor: 100_000_000,
    totalMaxMinor: 100_000_000,
    maxCount: 100_000_000,
    maxAgeHours: 720,
  });
  let started = await host.value.start();
  for (let i = 0; !started.ok && i < 20; i++) {
    // The terminal may still be finishing the killed process's exchange: ask again.
    await new Promise((r) => setTimeout(r, 200));
    started = await host.value.start();
  }
  if (!started.ok) {
    say(`ERR ${started.error.code} ${started.error.message}`);
    await host.value.close();
    return 3;
  }
  say(`READY ${started.value.recovered ?? '-'}`);
  if (mode === 'recover-only') {
    await host.value.close();
    return 0;
  }
  for (;;) {
    const open = searchOrders(deps.db, { limit: 3 }).find((o) => {
      const due = balanceDueMinor(deps, o.orderId);
      return due.ok && due.value > 0;
    });
    let orderId = open?.orderId;
    if (!orderId) {
      const amount = 100 + Math.floor(random() * 9900);
      const created = createLocalOrder(deps, {
        kind: 'SALE',
        cart: null,
        totalMinor: amount,
        operatorId: 'crash',
      });
      if (!created.ok) throw new Error(created.error.message);
      orderId = created.value.order.orderId;
    }
    const r = await payCard(deps, { orderId, operatorId: 'crash' });
    if (r.ok && r.value.state === 'APPROVED') {
      say(`ACK ${orderId} ${r.value.attempt.paymentId} ${r.value.attempt.amountMinor}`);
    } else if (!r.ok && r.error.code === 'CARD_OUTCOME_PENDING') {
      await new Promise((res) => setTimeout(res, 100));
      await recoverUnresolvedAttempt(deps);
    }
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    say(`CRASH ${(e as Error).stack ?? String(e)}`);
    process.exit(1);
  },
);
