/**
 * Reconciliation against a real core (PGlite and PostgreSQL): after a full sync, the counter's orders are
 * compared with the core's, read with the counter's own terminal key (no merchant key on the counter); what
 * the feed fixes is fixed, a queued order is "waiting", and a refund the core refused is listed for a manager.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCli, runCommand, runCommandAsync } from '../../../src-main/host/cli';
import { TERMINAL_SECRET_ENV } from '../../../src-main/host/sync-wiring';
import { createCoreClient } from '../../../src-main/sync/core-client';
import { createSyncDaemon } from '../../../src-main/sync/daemon';
import { createTerminalOrderReader, reconcileWithCore } from '../../../src-main/sync/reconcile';
import { bindSyncStorePort, localOrderViews } from '../../../src-main/sync/store-port';
import { DATABASE_KINDS } from '../../helpers/core-db';
import { startTestCore, type TestCore } from '../../helpers/core-server';
import { tempDataDir } from '../../helpers/host-store';
import { startCounter } from './counter-rig';

for (const { kind, skip } of DATABASE_KINDS)
  describe.skipIf(skip !== null)(`reconciliation with the core on ${kind}${skip ? ` (${skip})` : ''}`, () => {
    let core: TestCore;
    beforeAll(async () => {
      core = await startTestCore(kind);
    });
    afterAll(async () => {
      await core?.close();
    });

    it('lists every order that differs, and what was done about it', async () => {
      const c = await startCounter(core);
      try {
        const reader = createTerminalOrderReader(c.client);
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

        // The same order by the payment id on the receipt, with the online refund the feed brought.
        const byPayment = await c.client.orderOfPayment(agreed.paymentId);
        expect(byPayment.ok && byPayment.value).toMatchObject({
          orderId: agreed.orderId,
          refundsByChannel: [{ channel: 'ONLINE', refunded: { amountMinor: 700 } }],
        });

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

        // A core that cannot be read fails the reconciliation instead of reporting every order missing.
        const unreadable = await reconcileWithCore({
          daemon: offline,
          localOrders: () => localOrderViews(c.db, ids()),
          core: createTerminalOrderReader(
            createCoreClient({ baseUrl: 'http://127.0.0.1:1', keyId: 'k', secret: 's', timeoutMs: 500 }),
          ),
        });
        expect(unreadable).toMatchObject({
          ok: false,
          error: { kind: 'transient', code: 'CORE_UNREACHABLE' },
        });
      } finally {
        await c.close();
      }
    });

    it('`npm run host -- reconcile` needs only the terminal key the counter syncs with', async () => {
      const dir = tempDataDir();
      const c = await startCounter(core, { dataDir: dir });
      const first = c.sale(1_500);
      c.sale(2_500);
      await c.close();
      const cli = (argv: string[]) => {
        const { command, flags } = parseCli(argv);
        return command === 'reconcile'
          ? runCommandAsync(command, flags, dir)
          : runCommand(command, flags, dir);
      };
      expect(
        await cli([
          'enroll',
          '--issuer',
          String(c.key.issuer),
          '--core-url',
          core.url,
          '--key-id',
          c.key.keyId,
        ]),
      ).toMatchObject({ ok: true });
      process.env[TERMINAL_SECRET_ENV] = c.key.secret;
      try {
        // This counter's two sales and the orders other counters of the store made (learnt from the feed).
        const agreed = await cli(['reconcile']);
        expect(agreed).toMatchObject({ ok: true, value: { differences: [], syncError: null } });
        const checked = agreed.ok ? (agreed.value as { ordersChecked: number }).ordersChecked : 0;
        expect(checked).toBeGreaterThanOrEqual(2);
        // Refunded online after that: the next reconciliation pulls it first, so the two sides still agree.
        const online = await core.raw('POST', `/v2/${core.merchantId}/payments/${first.paymentId}/refund`, {
          body: { amountOfMoney: { amount: 400, currencyCode: 'EUR' } },
        });
        expect(online.status).toBe(201);
        expect(await cli(['reconcile', '--json'])).toMatchObject({
          ok: true,
          value: { ordersChecked: checked, differences: [] },
        });
        expect(await cli(['reconcile', '--day', '3 Dec'])).toMatchObject({
          ok: false,
          error: { code: 'HOST_COMMAND_INVALID', message: expect.stringContaining('YYYY-MM-DD') },
        });
      } finally {
        delete process.env[TERMINAL_SECRET_ENV];
      }
    });
  });
