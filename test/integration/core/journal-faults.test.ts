/**
 * The write-ahead acquirer journal under failures, in-process on PGlite and PostgreSQL, over real HTTP:
 * - a database failure injected between the acquirer's answer and the ledger write (a fault-injecting wrapper
 *   around the real Db) for captures, voids and payouts: nothing is lost, nothing happens twice;
 * - the refund lock does not lapse while a refund's outcome is unknown;
 * - money the acquirer moved but the ledger refuses becomes a money exception a manager sees and resolves;
 * - an approved charge the ledger refuses is released at the acquirer;
 * - an outcome the acquirer cannot tell yet keeps the payment AUTHORIZATION_REQUESTED.
 * Interleavings with the acquirer's calls come from a wrapper around the real sandbox; tests that use one say so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { money, testCardById, type Money, type PaymentId } from '../../../src-shared';
import { MoneyExceptionSchema, MoneyExceptionsPageSchema } from '../../../src-shared/money-exceptions';
import type { Acquirer } from '../../../src-core/acquirer/acquirer';
import { releaseRefundLock } from '../../../src-core/ledger/refund-lock';
import { acquireRefundLock } from '../../../src-core/payments/refund-lock';
import { reserveRefund } from '../../../src-core/payments/counter-refunds';
import { sendMoneyBack } from '../../../src-core/payments/money-back';
import { recordChargeback } from '../../../src-core/payments/chargeback';
import { ledgerWrites } from '../../helpers/ledger-writes';
import type { LedgerService } from '../../../src-core/ledger/service';
import { DATABASE_KINDS } from '../../helpers/core-db';
import { startTestCore, type RawResponse, type TestCore } from '../../helpers/core-server';
import { CLOSING_A_JOURNAL_ROW, faultyDb, type FaultyDb } from '../../helpers/faulty-db';

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are read as JSON */
const visa = testCardById('visa-approve')!;
const timeoutCard = testCardById('visa-timeout')!;
const EUR = (n: number): Money => money(n, 'EUR');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let keys = 0;
const newKey = () => `journal-test-${Date.now()}-${keys++}`;

/** Toggles of the wrapper around the sandbox acquirer (each test that sets one says so in its name). */
interface Interleave {
  beforeRefund: (() => Promise<void>) | null;
  beforeMerchantCharge: (() => Promise<void>) | null;
  inquiriesFail: boolean;
}

function interleaving(toggles: Interleave) {
  return (sandbox: Acquirer): Acquirer => ({
    ...sandbox,
    async refund(req) {
      const hook = toggles.beforeRefund;
      toggles.beforeRefund = null;
      await hook?.();
      return sandbox.refund(req);
    },
    async authorise(req) {
      const hook = req.initiator === 'merchant' ? toggles.beforeMerchantCharge : null;
      if (hook) toggles.beforeMerchantCharge = null;
      await hook?.();
      return sandbox.authorise(req);
    },
    async inquire(reference) {
      if (toggles.inquiriesFail) throw new Error('acquirer unreachable (test wrapper)');
      return sandbox.inquire(reference);
    },
  });
}

for (const { kind, skip } of DATABASE_KINDS) {
  describe.skipIf(skip !== null)(
    `write-ahead acquirer journal under failures on ${kind}${skip ? ` (${skip})` : ''}`,
    () => {
      let core: TestCore;
      let db: FaultyDb;
      let base: string;
      const toggles: Interleave = { beforeRefund: null, beforeMerchantCharge: null, inquiriesFail: false };

      beforeAll(async () => {
        core = await startTestCore(kind, {
          wrapDb: (real) => (db = faultyDb(real)),
          wrapAcquirer: interleaving(toggles),
          // Short, so a test can wait for rows to become due instead of forcing them.
          journal: { graceMs: 300 },
        });
        base = `/v2/${core.merchantId}`;
      });
      afterAll(async () => {
        await core?.close();
      });

      const pay = async (amount: number, mode = 'SALE', card = visa) => {
        const r = await core.raw('POST', `${base}/payments`, {
          body: {
            order: { amountOfMoney: { amount, currencyCode: 'EUR' } },
            cardPaymentMethodSpecificInput: {
              card: { cardNumber: card.pan, expiryDate: card.expiry, cvv: '123' },
              authorizationMode: mode,
              unscheduledCardOnFileRequestor: 'cardholderInitiated',
              unscheduledCardOnFileSequenceIndicator: 'first',
            },
          },
        });
        expect(r.status, r.text).toBe(201);
        return (r.body as any).payment.id as PaymentId;
      };
      const post = (path: string, body: object, key?: string) =>
        core.raw('POST', `${base}${path}`, {
          body,
          headers: key ? { 'X-GCS-Idempotence-Key': key } : {},
        });
      const journalRows = (paymentId: string) =>
        core.t.db.query<{ id: string; kind: string; state: string; result: string | null }>(
          'SELECT id, kind, state, result FROM acquirer_journal WHERE payment_id = $1 ORDER BY created_at',
          [paymentId],
        );
      /** What the sandbox acquirer's own records hold for these references (its journal, by reference). */
      const atAcquirer = async (references: string[]) =>
        (
          await core.t.db.query<{ kind: string }>(
            'SELECT kind FROM sandbox_acquirer_journal WHERE reference = ANY($1::text[])',
            [`{${references.join(',')}}`],
          )
        ).map((r) => r.kind);
      const operations = (paymentId: string, kind: string) =>
        core.t.db.query<{ id: string; amount_minor: string | number | null }>(
          'SELECT id, amount_minor FROM operations WHERE payment_id = $1 AND kind = $2',
          [paymentId, kind],
        );
      const expectError = (r: RawResponse, status: number, id: string) => {
        expect(r.status, r.text).toBe(status);
        expect((r.body as any).errors[0].id).toBe(id);
        return (r.body as any).errors[0];
      };

      it('a database failure injected between the acquirer capture and the ledger write (fault-injecting wrapper around the real Db) answers RECORDING_PENDING; the retry with the same key records it once, and the acquirer captured once', async () => {
        const paymentId = await pay(5_000, 'PRE_AUTHORIZATION');
        const key = newKey();
        db.failNext(CLOSING_A_JOURNAL_ROW);
        const failed = await post(`/payments/${paymentId}/capture`, { amount: 3_000 }, key);
        const error = expectError(failed, 503, 'RECORDING_PENDING');
        expect(error).toMatchObject({ id: 'RECORDING_PENDING', retriable: true });
        expect(db.injected).toBeGreaterThan(0);
        // The acquirer captured; the ledger rolled back; the journal row says so and waits.
        const [row] = (await journalRows(paymentId)).filter((r) => r.kind === 'CAPTURE');
        expect(row).toMatchObject({ state: 'PENDING', result: null });
        expect(await operations(paymentId, 'CAPTURE')).toHaveLength(0);
        expect(await atAcquirer([row!.id])).toEqual(['CAPTURE']);

        const retried = await post(`/payments/${paymentId}/capture`, { amount: 3_000 }, key);
        expect(retried.status, retried.text).toBe(200);
        expect((retried.body as any).captureOutput.amountOfMoney).toEqual({
          amount: 3_000,
          currencyCode: 'EUR',
        });
        const captures = await operations(paymentId, 'CAPTURE');
        expect(captures).toEqual([expect.objectContaining({ id: row!.id })]);
        expect(await atAcquirer([row!.id])).toEqual(['CAPTURE']);
        expect((await journalRows(paymentId)).filter((r) => r.kind === 'CAPTURE')).toEqual([
          expect.objectContaining({ state: 'DONE', result: 'APPROVED' }),
        ]);
        // The same key once more: the stored answer, still one capture.
        const replay = await post(`/payments/${paymentId}/capture`, { amount: 3_000 }, key);
        expect(replay.status).toBe(200);
        expect(replay.headers.get('x-gcs-idempotence-request-timestamp')).not.toBeNull();
        expect(await operations(paymentId, 'CAPTURE')).toHaveLength(1);
      });

      it('a database failure injected between the acquirer void and the ledger write (fault-injecting wrapper around the real Db): the order stays refund-locked until reconciliation records the void once', async () => {
        const paymentId = await pay(4_000);
        db.failNext(CLOSING_A_JOURNAL_ROW);
        expectError(await post(`/payments/${paymentId}/cancel`, {}), 503, 'RECORDING_PENDING');
        // The void's outcome is recorded nowhere yet, so no money may go back on the order meanwhile.
        expectError(
          await post(`/payments/${paymentId}/refund`, {
            amountOfMoney: { amount: 100, currencyCode: 'EUR' },
          }),
          409,
          'REFUND_ORDER_LOCKED',
        );
        await sleep(350);
        const report = await core.journal.reconcileDue();
        expect(report).toMatchObject({ failed: 0 });
        expect(report.closed).toBeGreaterThanOrEqual(1);
        const cancels = await operations(paymentId, 'CANCEL');
        expect(cancels).toHaveLength(1);
        const [row] = (await journalRows(paymentId)).filter((r) => r.kind === 'CANCEL');
        expect(row).toMatchObject({ id: cancels[0]!.id, state: 'DONE', result: 'APPROVED' });
        expect(await atAcquirer([row!.id])).toEqual(['CANCEL']);
        const after = await core.raw('GET', `${base}/payments/${paymentId}`);
        expect((after.body as any).status).toBe('CANCELLED');
        // A second reconciliation finds nothing left to do.
        expect((await core.journal.reconcileDue()).checked).toBe(0);
        expect(await operations(paymentId, 'CANCEL')).toHaveLength(1);
      });

      it('a database failure injected between the acquirer payout and the ledger write (fault-injecting wrapper around the real Db): reconciliation records the payout once, and the order is never paid back beyond what it collected', async () => {
        const paymentId = await pay(6_000);
        db.failNext(CLOSING_A_JOURNAL_ROW);
        const payout = {
          amountOfMoney: { amount: 6_000, currencyCode: 'EUR' },
          omnichannelPayoutSpecificInput: { paymentId },
        };
        expectError(await post('/payouts', payout), 503, 'RECORDING_PENDING');
        // Meanwhile the same money cannot go back twice, through any route.
        expectError(await post('/payouts', payout), 409, 'REFUND_ORDER_LOCKED');
        expectError(
          await post(`/payments/${paymentId}/refund`, {
            amountOfMoney: { amount: 6_000, currencyCode: 'EUR' },
          }),
          409,
          'REFUND_ORDER_LOCKED',
        );
        await sleep(350);
        await core.journal.reconcileDue();
        const payouts = await operations(paymentId, 'PAYOUT');
        expect(payouts.map((p) => Number(p.amount_minor))).toEqual([6_000]);
        expect(await atAcquirer([payouts[0]!.id])).toEqual(['PAYOUT']);
        // The same payout sent again is a repeat of the one recorded (the double-refund rule); any further
        // payout exceeds what the order collected.
        expect(expectError(await post('/payouts', payout), 409, 'REFUND_ORDER_LOCKED').message).toContain(
          'repeats the payout',
        );
        expectError(
          await post('/payouts', { ...payout, amountOfMoney: { amount: 1, currencyCode: 'EUR' } }),
          400,
          'PAYOUT_EXCEEDS_COLLECTED',
        );
        const get = await core.raw('GET', `${base}/payments/${paymentId}`);
        expect((get.body as any).statusOutput.isRefundable).toBe(false);
      });

      it('the refund lock does not lapse while a refund outcome is unknown: past its TTL no refund, payout or reservation takes it; after reconciliation they may', async () => {
        const paymentId = await pay(3_000);
        const loaded = (await core.ledger.loadOrderOfPayment(core.merchantId, paymentId))!;
        const orderId = loaded.order.orderId;
        db.failNext(CLOSING_A_JOURNAL_ROW);
        const r = await sendMoneyBack(core.journal, {
          merchantId: core.merchantId,
          paymentId,
          kind: 'REFUND',
          amount: EUR(1_000),
          holder: 'online:test',
          channel: 'ONLINE',
        });
        expect(r.ok && r.value.unsettled).toBe('RECORDING_FAILED');
        await sleep(350);
        // Time passes (a lock row taken with this TTL would have expired); the open journal row, which is the
        // order's lock, still holds it.
        const lock = await acquireRefundLock(core.t.db, core.ledger.ctx, {
          orderId,
          holder: 'online:other',
          channel: 'ONLINE',
          purpose: 'REFUND',
          ttlMs: 1_000,
        });
        expect(lock.ok ? 'taken' : lock.error.code).toBe('REFUND_ORDER_LOCKED');
        const reservation = await reserveRefund(core.ledger, {
          merchantId: core.merchantId,
          paymentId,
          amount: EUR(500),
          holder: 'terminal:x',
          ttlMs: 1_000,
          source: { channel: 'IN_STORE' },
        });
        expect(reservation.ok ? 'taken' : reservation.error.code).toBe('REFUND_ORDER_LOCKED');
        expectError(
          await post('/payouts', {
            amountOfMoney: { amount: 500, currencyCode: 'EUR' },
            omnichannelPayoutSpecificInput: { paymentId },
          }),
          409,
          'REFUND_ORDER_LOCKED',
        );
        await core.journal.reconcileDue();
        expect((await operations(paymentId, 'REFUND')).map((o) => Number(o.amount_minor))).toEqual([1_000]);
        const free = await acquireRefundLock(core.t.db, core.ledger.ctx, {
          orderId,
          holder: 'online:other',
          channel: 'ONLINE',
          purpose: 'REFUND',
          ttlMs: 1_000,
        });
        expect(free.ok).toBe(true);
        if (free.ok) await releaseRefundLock(core.t.db, free.value);
        // What is refundable now accounts for the reconciled refund.
        expectError(
          await post(`/payments/${paymentId}/refund`, {
            amountOfMoney: { amount: 2_001, currencyCode: 'EUR' },
          }),
          400,
          'REFUND_EXCEEDS_REFUNDABLE',
        );
      });

      it("the open journal row is the order's refund lock (schema 9): readers of the order see it with its holder while the outcome is unknown, the database refuses a second open refund row of the order, and a counter reservation holding the order refuses an online refund without writing a row", async () => {
        const paymentId = await pay(3_000);
        const orderId = (await core.ledger.loadOrderOfPayment(core.merchantId, paymentId))!.order.orderId;
        db.failNext(CLOSING_A_JOURNAL_ROW);
        const refunded = await post(`/payments/${paymentId}/refund`, {
          amountOfMoney: { amount: 1_000, currencyCode: 'EUR' },
        });
        expect(refunded.status, refunded.text).toBe(503);
        const open = (await journalRows(paymentId)).filter((r) => r.kind === 'REFUND');
        expect(open.map((r) => r.state)).toEqual(['PENDING']);
        // No lock row: the journal row holds the order, and the back office shows it as the order's lock.
        expect(
          await core.t.db.query('SELECT 1 FROM refund_locks WHERE order_id = $1', [orderId]),
        ).toHaveLength(0);
        const order = await core.raw('GET', `/backoffice/v1/${core.merchantId}/orders/${orderId}`);
        expect(order.status, order.text).toBe(200);
        expect((order.body as any).refundLock).toMatchObject({
          holder: `online:${core.apiKeyId}`,
          channel: 'ONLINE',
          purpose: 'REFUND',
          paymentId,
          amountMinor: 1_000,
        });
        expect(Date.parse((order.body as any).refundLock.expiresAt)).toBeGreaterThan(Date.now());
        // The database's own rule: one open refund, payout or void per order.
        const second = core.t.db.query(
          `INSERT INTO acquirer_journal (id, kind, merchant_id, order_id, payment_id, amount_minor, currency,
             request, state)
           SELECT gen_random_uuid(), 'PAYOUT', merchant_id, order_id, payment_id, 10, currency, '{}', 'PENDING'
           FROM acquirer_journal WHERE id = $1`,
          [open[0]!.id],
        );
        await expect(second).rejects.toThrow(/acquirer_journal_open_money_back/);
        await sleep(350); // past the grace period: the reconciler's to settle
        await core.journal.reconcileDue();
        expect((await journalRows(paymentId)).filter((r) => r.state !== 'DONE')).toHaveLength(0);
        const free = await core.raw('GET', `/backoffice/v1/${core.merchantId}/orders/${orderId}`);
        expect((free.body as any).refundLock).toBeNull();

        // A counter's reservation holds the order: an online refund is refused and writes no journal row.
        const reservation = await reserveRefund(core.ledger, {
          merchantId: core.merchantId,
          paymentId,
          amount: EUR(500),
          holder: 'terminal:x',
          ttlMs: 60_000,
          source: { channel: 'IN_STORE' },
        });
        expect(reservation.ok).toBe(true);
        const rows = (await journalRows(paymentId)).length;
        expectError(
          await post(`/payments/${paymentId}/refund`, {
            amountOfMoney: { amount: 700, currencyCode: 'EUR' },
          }),
          409,
          'REFUND_ORDER_LOCKED',
        );
        expect(await journalRows(paymentId)).toHaveLength(rows);
        if (reservation.ok) await releaseRefundLock(core.t.db, reservation.value);
        const after = await post(`/payments/${paymentId}/refund`, {
          amountOfMoney: { amount: 700, currencyCode: 'EUR' },
        });
        expect(after.status, after.text).toBe(201);
      });

      /** Records a chargeback of `amountMinor` on the payment while the sandbox works on the next refund. */
      const chargebackWhileTheAcquirerWorks = (paymentId: PaymentId, amountMinor: number) => {
        toggles.beforeRefund = async () => {
          const r = await recordChargeback(core.ledger as LedgerService, {
            merchantId: core.merchantId,
            paymentId,
            channel: 'BACK_OFFICE',
            kind: 'CHARGEBACK',
            amount: EUR(amountMinor),
          });
          expect(r.ok).toBe(true);
        };
      };

      it('a refund whose order changed while the acquirer worked (a smaller chargeback recorded meanwhile, interleaved by a wrapper around the sandbox) is recorded once, locking and loading the order again: the row closed, the lock free, the rest refundable', async () => {
        const paymentId = await pay(2_000);
        chargebackWhileTheAcquirerWorks(paymentId, 500);
        const refunded = await post(`/payments/${paymentId}/refund`, {
          amountOfMoney: { amount: 1_000, currencyCode: 'EUR' },
        });
        expect(refunded.status, refunded.text).toBe(201);
        expect((refunded.body as any).status).toBe('REFUNDED');
        const refunds = await operations(paymentId, 'REFUND');
        expect(refunds.map((o) => Number(o.amount_minor))).toEqual([1_000]);
        const [row] = (await journalRows(paymentId)).filter((r) => r.kind === 'REFUND');
        expect(row).toMatchObject({ state: 'DONE', result: 'APPROVED' });
        expect(refunds[0]!.id).toBe(row!.id);
        const locks = await core.t.db.query(
          'SELECT 1 FROM refund_locks l JOIN payments p ON p.order_id = l.order_id WHERE p.id = $1',
          [paymentId],
        );
        expect(locks).toHaveLength(0);
        // 20.00 collected, 5.00 charged back, 10.00 refunded: 5.00 is left, and not a cent more.
        const tooMuch = await post(`/payments/${paymentId}/refund`, {
          amountOfMoney: { amount: 501, currencyCode: 'EUR' },
        });
        expectError(tooMuch, 400, 'REFUND_EXCEEDS_REFUNDABLE');
        const rest = await post(`/payments/${paymentId}/refund`, {
          amountOfMoney: { amount: 500, currencyCode: 'EUR' },
        });
        expect(rest.status, rest.text).toBe(201);
      });

      it('a refund the ledger refuses after the acquirer carried it out (a chargeback recorded meanwhile, interleaved by a wrapper around the sandbox) becomes a money exception: 409 MONEY_MOVED_NOT_RECORDED, listed in the back office, resolved by a manager', async () => {
        const paymentId = await pay(2_000);
        chargebackWhileTheAcquirerWorks(paymentId, 1_500);
        const key = newKey();
        const refund = { amountOfMoney: { amount: 2_000, currencyCode: 'EUR' } };
        const refused = await post(`/payments/${paymentId}/refund`, refund, key);
        const error = expectError(refused, 409, 'MONEY_MOVED_NOT_RECORDED');
        expect(error.retriable).toBe(false);
        expect(error.message).toContain(paymentId);
        expect(error.message).toContain('20.00 EUR');
        const exceptionId = /money exception ([0-9a-f-]{36})/.exec(error.message)?.[1];
        expect(exceptionId).toBeDefined();
        // Nothing was recorded as a refund, and the lock is free again (the exception holds the facts).
        expect(await operations(paymentId, 'REFUND')).toHaveLength(0);
        const [row] = (await journalRows(paymentId)).filter((r) => r.kind === 'REFUND');
        expect(row).toMatchObject({ state: 'DONE', result: 'EXCEPTION' });
        expect(await atAcquirer([row!.id])).toEqual(['REFUND']);
        // The retry with the same key is answered the same, and never refunds again.
        const again = await post(`/payments/${paymentId}/refund`, refund, key);
        expect(again.status).toBe(409);
        expect((again.body as any).errors[0].message).toContain(exceptionId);

        const list = await core.raw('GET', `/backoffice/v1/${core.merchantId}/exceptions`);
        expect(list.status, list.text).toBe(200);
        const page = MoneyExceptionsPageSchema.parse(list.body);
        const mine = page.exceptions.filter((e) => e.exceptionId === exceptionId);
        expect(mine).toEqual([
          expect.objectContaining({
            source: 'ACQUIRER',
            kind: 'REFUND',
            paymentId,
            amount: EUR(2_000),
            channel: 'ONLINE',
            journalId: row!.id,
            reasonCode: 'REFUND_EXCEEDS_REFUNDABLE',
            state: 'OPEN',
          }),
        ]);
        const resolved = await core.raw(
          'POST',
          `/backoffice/v1/${core.merchantId}/exceptions/${exceptionId}/resolution`,
          {
            body: {
              operatorId: 'manager-7',
              resolution: 'chargeback disputed with the acquirer; refund reversed',
            },
          },
        );
        expect(resolved.status, resolved.text).toBe(200);
        expect(MoneyExceptionSchema.parse(resolved.body)).toMatchObject({
          state: 'RESOLVED',
          resolvedBy: 'manager-7',
        });
        const twice = await core.raw(
          'POST',
          `/backoffice/v1/${core.merchantId}/exceptions/${exceptionId}/resolution`,
          {
            body: { operatorId: 'someone-else', resolution: 'again' },
          },
        );
        expect(twice.body).toMatchObject({ state: 'RESOLVED', resolvedBy: 'manager-7' });
        const open = MoneyExceptionsPageSchema.parse(
          (await core.raw('GET', `/backoffice/v1/${core.merchantId}/exceptions?state=OPEN`)).body,
        );
        expect(open.exceptions.some((e) => e.exceptionId === exceptionId)).toBe(false);
        const missing = await core.raw(
          'GET',
          `/backoffice/v1/${core.merchantId}/exceptions/01890a5d-ac96-774b-bcce-b302099a8057`,
        );
        expectError(missing, 404, 'MONEY_EXCEPTION_NOT_FOUND');
        // Logged for people, without card data.
        const logged = core.logs.filter((l) => l.includes(exceptionId!));
        expect(logged.length).toBeGreaterThan(0);
        for (const line of core.logs) expect(line).not.toContain(visa.pan);
      });

      it('a subsequent payment the acquirer approved after another charge covered the order (interleaved by a wrapper around the sandbox) is released at the acquirer and answered with the ledger refusal', async () => {
        // An in-store order with a total: deposit 1,000 of 3,000 at the counter, card on file.
        const order = await ledgerWrites(core.ledger).createOrder({
          merchantId: core.merchantId,
          currency: 'EUR',
          total: EUR(3_000),
          channel: 'IN_STORE',
        });
        if (!order.ok) throw new Error(order.error.message);
        const deposit = await ledgerWrites(core.ledger).openPayment({
          merchantId: core.merchantId,
          orderId: order.value.orderId,
          channel: 'IN_STORE',
          opening: { kind: 'SALE', amount: EUR(1_000) },
          card: {
            brand: 'VISA',
            bin: '433026',
            last4: '4675',
            expiry: '1230',
            cardRef: visa.token,
            tokenId: null,
            paymentProductId: 1,
          },
        });
        if (!deposit.ok) throw new Error(deposit.error.message);
        const depositId = deposit.value.payment.paymentId;
        // While the acquirer authorises the rest online, the counter takes the rest in cash.
        toggles.beforeMerchantCharge = async () => {
          const cash = await ledgerWrites(core.ledger).openPayment({
            merchantId: core.merchantId,
            orderId: order.value.orderId,
            channel: 'IN_STORE',
            opening: { kind: 'SALE', amount: EUR(2_000) },
          });
          expect(cash.ok).toBe(true);
        };
        const r = await post(`/payments/${depositId}/subsequent`, {
          order: { amountOfMoney: { amount: 2_000, currencyCode: 'EUR' } },
        });
        const error = expectError(r, 400, 'ORDER_AMOUNT_EXCEEDED');
        expect(error.propertyName).toBe('order.amountOfMoney');
        const rows = await core.t.db.query<{ id: string; kind: string; result: string; payment_id: string }>(
          `SELECT id, kind, result, payment_id FROM acquirer_journal WHERE order_id = $1 ORDER BY created_at`,
          [order.value.orderId],
        );
        expect(rows.map((x) => [x.kind, x.result])).toEqual([
          ['AUTHORISE', 'REFUSED'],
          ['RELEASE', 'APPROVED'],
        ]);
        // The acquirer approved, then released the authorisation: no money is held that the books do not show.
        expect(await atAcquirer(rows.map((x) => x.id))).toEqual(['AUTHORISE', 'CANCEL']);
        const loaded = await core.ledger.loadOrder(core.merchantId, order.value.orderId);
        expect(loaded?.payments.map((p) => p.paymentId)).not.toContain(rows[0]!.payment_id);
      });

      it('an outcome the acquirer cannot tell yet (its inquiries fail: a wrapper around the sandbox) keeps the payment AUTHORIZATION_REQUESTED; once it answers, the payment reads REJECTED', async () => {
        const created = await core.raw('POST', `${base}/payments`, {
          body: {
            order: { amountOfMoney: { amount: 1_000, currencyCode: 'EUR' } },
            cardPaymentMethodSpecificInput: {
              card: { cardNumber: timeoutCard.pan, expiryDate: timeoutCard.expiry, cvv: '123' },
            },
          },
        });
        expect(created.status).toBe(201);
        const id = (created.body as any).payment.id as string;
        expect((created.body as any).payment.status).toBe('AUTHORIZATION_REQUESTED');
        toggles.inquiriesFail = true;
        try {
          const still = await core.raw('GET', `${base}/payments/${id}`);
          expect((still.body as any).status).toBe('AUTHORIZATION_REQUESTED');
          expect((await core.journal.reconcileDue()).stillOpen).toBeGreaterThanOrEqual(1);
          expect((await journalRows(id))[0]).toMatchObject({ state: 'UNKNOWN' });
        } finally {
          toggles.inquiriesFail = false;
        }
        const known = await core.raw('GET', `${base}/payments/${id}`);
        expect((known.body as any).status).toBe('REJECTED');
        expect((known.body as any).statusOutput.errors[0].id).toBe('ACQUIRER_TIMEOUT');
        expect((await journalRows(id))[0]).toMatchObject({ state: 'DONE', result: 'DECLINED' });
      });
    },
  );
}
