/**
 * Reconciliation against a real core: after a full sync, the counter's orders are compared with the core's
 * (read through the back office); what the feed fixes is fixed, a queued order is "waiting", and a refund the
 * core refused is listed for a manager.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoreClient } from '../../../src-main/sync/core-client';
import { createSyncDaemon } from '../../../src-main/sync/daemon';
import { createBackOfficeOrderReader, reconcileWithCore } from '../../../src-main/sync/reconcile';
import { bindSyncStorePort, localOrderViews } from '../../../src-main/sync/store-port';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { startCounter } from './counter-rig';

describe('reconciliation with the core', () => {
  let core: TestCore;
  beforeAll(async () => {
    core = await startTestCore('pglite');
  });
  afterAll(async () => {
    await core?.close();
  });

  it('lists every order that differs, and what was done about it', async () => {
    const c = await startCounter(core);
    try {
      const reader = createBackOfficeOrderReader({
        baseUrl: core.url,
        merchantId: core.merchantId,
        apiKeyId: core.apiKeyId,
        secretApiKey: core.secret,
      });
      const agreed = c.sale(3_000);
      const refused = c.sale(2_000);
      await c.daemon.syncNow();
      // Refunded online: the counter learns it from the feed during reconciliation.
      const online = await core.raw('POST', `/v2/${core.merchantId}/payments/${agreed.paymentId}/refund`, {
        body: { amountOfMoney: { amount: 700, currencyCode: 'EUR' } },
      });
      expect(online.status).toBe(201);
      // Paid out here beyond what the order collected: the core refuses it for good.
      c.refundCash(refused, 2_500);
      const ids = () => c.sales.map((s) => s.orderId);

      const report = await reconcileWithCore({
        daemon: c.daemon,
        localOrders: () => localOrderViews(c.db, ids()),
        core: reader,
      });
      expect(report.ok).toBe(true);
      if (!report.ok) return;
      expect(report.value.syncError).toBeNull();
      expect(report.value.ordersChecked).toBe(2);
      expect(report.value.differences).toEqual([
        expect.objectContaining({
          orderId: refused.orderId,
          kind: 'REFUNDED_DIFFERS',
          counter: 2_500,
          core: 0,
          action: 'FOR_MANAGER',
        }),
        expect.objectContaining({
          orderId: refused.orderId,
          kind: 'PAYMENT_REFUNDED_DIFFERS',
          paymentId: refused.paymentId,
          action: 'FOR_MANAGER',
        }),
      ]);

      // While the core cannot be reached for sync, a new sale is only waiting in the queue.
      const offline = createSyncDaemon({
        store: bindSyncStorePort(c.db),
        core: createCoreClient({ baseUrl: 'http://127.0.0.1:1', keyId: 'k', secret: 's' }),
      });
      const waiting = c.sale(900);
      const later = await reconcileWithCore({
        daemon: offline,
        localOrders: () => localOrderViews(c.db, [waiting.orderId]),
        core: reader,
      });
      expect(later.ok && later.value.syncError?.code).toBe('CORE_UNREACHABLE');
      expect(later.ok && later.value.differences).toEqual([
        expect.objectContaining({
          orderId: waiting.orderId,
          kind: 'MISSING_IN_CORE',
          action: 'WAITING_IN_QUEUE',
        }),
      ]);
    } finally {
      await c.close();
    }
  });
});
