/**
 * The counter wired to a real core (PGlite, loopback HTTP) through the sync layer: a card sale reaches the
 * core, a refund to the card through the core is accepted at once when online, a card-present refund runs
 * under the core's reservation, and a second counter-side refund is stopped by what the core says is left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutSale } from '../../../src-main/checkout/sale';
import { executeRefund, refundableOf } from '../../../src-main/checkout/refunds';
import type { WiredSync } from '../../../src-main/host/sync-wiring';
import { pendingOutbox, syncStatus } from '../../../src-main/store';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { connectRigToCore, createHostRig, MANAGER, type HostRig } from '../../helpers/host-rig';

let core: TestCore;
let h: HostRig;
let sync: WiredSync;

beforeAll(async () => {
  core = await startTestCore('pglite');
  h = await createHostRig();
  sync = connectRigToCore(h, { baseUrl: core.url, ...core.terminal });
}, 120_000);
afterAll(async () => {
  await sync?.daemon.stop();
  await h?.close();
  await core?.close();
});

describe('a counter with a real core', () => {
  it('syncs a card sale, refunds to the card through the core and card-present under a reservation', async () => {
    const sale = await checkoutSale(h.deps, {
      entries: [{ kind: 'free', description: 'Jacket', amountMinor: 12000, taxRateBp: 1900 }],
      tenders: [{ method: 'CARD' }],
      operatorId: 'cashier',
    });
    if (!sale.ok) throw new Error(sale.error.message);
    const paymentId = sale.value.tenders[0]!.paymentId!;
    const cycle = await sync.daemon.syncNow();
    expect(cycle).toMatchObject({ accepted: 2, error: null });
    expect(syncStatus(h.db, new Date())).toMatchObject({ queued: 0, openExceptions: 0 });

    const claim = await executeRefund(
      h.deps,
      { paymentId, amountMinor: 3000, method: 'CORE_CARD', reason: 'seam open', operatorId: 'manager' },
      { manager: MANAGER },
    );
    expect(claim.ok && claim.value.state).toBe('DONE');

    const cardPresent = await executeRefund(
      h.deps,
      {
        paymentId,
        amountMinor: 2000,
        method: 'TERMINAL_CARD',
        reason: 'button missing',
        operatorId: 'manager',
      },
      { manager: MANAGER },
    );
    expect(cardPresent.ok && cardPresent.value.state).toBe('DONE');
    expect(h.rig.vt.journal.filter((e) => e.kind === 'refund').map((e) => e.amountMinor)).toEqual([2000]);
    expect(pendingOutbox(h.db, 10)).toEqual([]);

    const view = refundableOf(h.deps, sale.value.orderId);
    expect(view.ok && view.value.refundableMinor).toBe(7000);
    const tooMuch = await executeRefund(
      h.deps,
      { paymentId, amountMinor: 8000, method: 'CASH', reason: 'everything', operatorId: 'manager' },
      { manager: MANAGER },
    );
    expect(tooMuch.ok === false && tooMuch.error.code).toBe('REFUND_EXCEEDS_REFUNDABLE');
  });
});
