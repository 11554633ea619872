/**
 * The host as a separate process for the crash test: it recovers whatever the previous (killed) process
 * left in doubt, then sells by card in a loop — finishing an unpaid checkout first, as a cashier pressing
 * Pay again would — and prints `ACK <orderId> <paymentId> <amountMinor>` only after the sale is committed
 * (what the cashier would see as done). The parent kills it with SIGKILL at random moments.
 *
 * argv: dataDir ptyPath mode(sell|recover-only) seed
 */
import { createLocalOrder, balanceDueMinor, payCard } from '../../../src-main/checkout/sale';
import { recoverUnresolvedAttempt } from '../../../src-main/checkout/terminal-attempts';
import { createHost } from '../../../src-main/host/compose';
import { searchOrders } from '../../../src-main/store';
import { serialConnector } from '../../../src-main/zvt/transport/connect';

const [dataDir = '', ptyPath = '', mode = 'sell', seedText = '1'] = process.argv.slice(2);
let seed = Number(seedText) || 1;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
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
